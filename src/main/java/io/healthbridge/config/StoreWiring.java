package io.healthbridge.config;

import java.nio.file.Path;
import java.time.Clock;

import io.healthbridge.cluster.ClusteredQuartz;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.ingest.EventHub;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.provider.MapperRegistry;
import io.healthbridge.store.DataDirectory;
import io.healthbridge.store.Database;
import io.healthbridge.store.DeadLetterStore;
import io.healthbridge.store.JdbcDeadLetterStore;
import io.healthbridge.store.JdbcEventStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.Registry;

/**
 * The store and the publish path: the database (embedded H2 in the data folder, or {@code healthbridge.store.url}),
 * the event and dead-letter stores, mappers, schemas, the pipeline and the event hub.
 */
final class StoreWiring {

    final Path dataDir;
    final Database database;
    final JdbcEventStore events;
    final MapperRegistry mappers;
    final EventHub hub = new EventHub();

    StoreWiring(CamelContext context, Settings settings, String instanceId, MeterRegistry meters, Clock clock)
            throws Exception {
        Registry registry = context.getRegistry();
        dataDir = Path.of(settings.text("healthbridge.data.dir")).toAbsolutePath().normalize();
        // local files (the development secret key, first-start credentials) live here on any store: owner only
        DataDirectory.prepare(dataDir);
        String url = settings.text("healthbridge.store.url");
        database = Database.open(url.isBlank() ? Database.embeddedUrl(dataDir) : url,
                settings.text("healthbridge.store.username"), settings.text("healthbridge.store.password"),
                settings.integer("healthbridge.store.pool-size"));
        registry.bind("database", database);
        if (database.isPostgres()) {
            ClusteredQuartz.configure(context, database.dataSource(), instanceId,
                    settings.number("healthbridge.cluster.checkin-interval-ms"));
        }
        // the store's DataSource is never a registry bean: Camel's sql and jdbc components take the one DataSource they
        // find, and a route file must reach a database only through a DataSource it names itself

        // the embedded store commits publishers' inserts together (each commit is a file write); PostgreSQL commits
        // concurrent transactions in parallel, and so does each insert on its own
        events = new JdbcEventStore(database.dataSource(), clock, !database.isPostgres());
        DeadLetterStore deadLetters = new JdbcDeadLetterStore(database.dataSource());
        SchemaRegistry schemas = new SchemaRegistry();
        mappers = MapperRegistry.withBuiltIns();
        registry.bind("eventStore", events);
        registry.bind("deadLetterStore", deadLetters);
        registry.bind("schemaRegistry", schemas);
        registry.bind("mapperRegistry", mappers);
        registry.bind("eventPipeline", new EventPipeline(mappers, schemas, events, meters, clock));
        registry.bind("eventHub", hub);

        JdbcMessageIdRepository ids = new JdbcMessageIdRepository(database.dataSource(), "event-publish");
        ids.setCreateTableIfNotExists(false);
        registry.bind("eventIdRepository", ids);
    }

    void close() {
        database.close();
    }
}
