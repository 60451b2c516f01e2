package io.healthbridge.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (binaries from a Maven artifact, no Docker) started once per test JVM on a free loopback
 * port; each caller gets a database of its own.
 */
public final class Postgres {

    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private Postgres() {
    }

    private static synchronized EmbeddedPostgres server() throws IOException {
        if (server == null) {
            server = EmbeddedPostgres.builder().start();
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM is going anyway
                }
            }));
        }
        return server;
    }

    /** A new empty database; returns its JDBC URL (user postgres, no password). */
    public static String newDatabase() throws IOException, SQLException {
        EmbeddedPostgres pg = server();
        String name = "hb" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return pg.getJdbcUrl("postgres", name);
    }
}
