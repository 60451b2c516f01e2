package io.healthbridge.store;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store: a pooled JDBC data source (embedded H2 file by default, PostgreSQL by URL) migrated by Flyway
 * from {@code db/migration} on start.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Optional<H2Housekeeping> housekeeping;

    private Database(HikariDataSource dataSource, Optional<H2Housekeeping> housekeeping) {
        this.dataSource = dataSource;
        this.housekeeping = housekeeping;
    }

    /**
     * The embedded store's URL in a data folder. {@code WRITE_DELAY=0}: H2 keeps no write-ahead log, and by default
     * writes committed changes to its file up to half a second later, so a process killed in that window would lose
     * events it had acknowledged (the SIGKILL fault test shows it). With it each commit reaches the file (the
     * operating system's cache, enough for a process crash) before it returns; the publish path pays one file write
     * per commit, which is why a payload is one commit (docs/design.md). It also stops H2's background writer and with
     * it its housekeeping, which {@link H2Housekeeping} does instead (without it the file grows by gigabytes under a
     * steady load). Flushing each writing connection with the background writer on measures worse.
     */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("healthbridge") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    public static Database open(String url, String username, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("healthbridge-store");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            // the URL may carry a password: name only the scheme and host part
            throw new IllegalStateException("cannot open the store at " + redact(url) + ": " + e.getMessage(), e);
        }
        try {
            // db/migration runs on both stores; db/vendor/postgresql adds what only a shared store needs (Quartz's
            // tables), db/vendor/h2 what only the embedded one wants (a larger sequence cache)
            String[] locations = url.startsWith("jdbc:postgresql:")
                    ? new String[] {"classpath:db/migration", "classpath:db/vendor/postgresql"}
                    : new String[] {"classpath:db/migration", "classpath:db/vendor/h2"};
            var result = Flyway.configure().dataSource(ds).locations(locations).load().migrate();
            LOG.info("Store {} ready at schema version {} ({} migrations applied)", redact(url),
                    result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion, result.migrationsExecuted);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, H2Housekeeping.start(url, ds));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    /** The embedded store's chunk count, when this process keeps house for it (tests, diagnostics). */
    OptionalInt chunkCount() {
        return housekeeping.map(h -> OptionalInt.of(h.chunkCount())).orElse(OptionalInt.empty());
    }

    @Override
    public void close() {
        housekeeping.ifPresent(H2Housekeeping::close);
        dataSource.close();
    }
}
