package io.healthbridge.store;

import java.util.Properties;

import io.healthbridge.support.Postgres;
import org.junit.jupiter.api.BeforeAll;

/** {@link RetentionTest} on PostgreSQL: the same rounds against the store N instances share. */
class RetentionOnPostgresTest extends RetentionTest {

    @BeforeAll
    static void start() throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.store.url", Postgres.newDatabase());
        p.setProperty("healthbridge.store.username", "postgres");
        start(p);
    }
}
