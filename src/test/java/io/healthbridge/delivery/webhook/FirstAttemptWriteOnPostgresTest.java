package io.healthbridge.delivery.webhook;

import io.healthbridge.store.Database;
import io.healthbridge.support.Postgres;

/** {@link FirstAttemptWriteTest} on a real PostgreSQL: the first write's statement and its duplicate handling. */
class FirstAttemptWriteOnPostgresTest extends FirstAttemptWriteTest {

    @Override
    Database open() throws Exception {
        return Database.open(Postgres.newDatabase(), "postgres", "", 4);
    }
}
