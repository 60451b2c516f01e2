package io.healthbridge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import io.healthbridge.event.EventHub;
import io.healthbridge.event.EventPipeline;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.provider.MapperRegistry;
import io.healthbridge.store.Database;
import io.healthbridge.store.DeadLetterStore;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.JdbcDeadLetterStore;
import io.healthbridge.store.JdbcEventStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.Registry;

/**
 * Creates the engines from {@code healthbridge.*} configuration and binds them by name for routes
 * ({@code bean:eventPipeline}, {@code idempotentRepository: eventIdRepository}, …).
 */
public final class HealthbridgeBeans implements AutoCloseable {

    private final Database database;

    private HealthbridgeBeans(Database database) {
        this.database = database;
    }

    public static HealthbridgeBeans bind(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();

        PrometheusMeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }

        Path dataDir = Path.of(property(context, "healthbridge.data.dir", "data")).toAbsolutePath().normalize();
        String url = property(context, "healthbridge.store.url", "");
        if (url.isBlank()) {
            Files.createDirectories(dataDir);
            url = "jdbc:h2:file:" + dataDir.resolve("healthbridge") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        Database database = Database.open(url, property(context, "healthbridge.store.username", "sa"),
                property(context, "healthbridge.store.password", ""),
                Integer.parseInt(property(context, "healthbridge.store.pool-size", "10")));
        registry.bind("database", database);
        registry.bind("dataSource", database.dataSource());

        EventStore events = new JdbcEventStore(database.dataSource(), clock);
        DeadLetterStore deadLetters = new JdbcDeadLetterStore(database.dataSource());
        SchemaRegistry schemas = new SchemaRegistry();
        MapperRegistry mappers = MapperRegistry.withBuiltIns();
        registry.bind("eventStore", events);
        registry.bind("deadLetterStore", deadLetters);
        registry.bind("schemaRegistry", schemas);
        registry.bind("mapperRegistry", mappers);
        registry.bind("eventPipeline", new EventPipeline(mappers, schemas, events, deadLetters, meters, clock));
        registry.bind("eventHub", new EventHub());

        JdbcMessageIdRepository ids = new JdbcMessageIdRepository(database.dataSource(), "event-publish");
        ids.setCreateTableIfNotExists(false);
        registry.bind("eventIdRepository", ids);
        return new HealthbridgeBeans(database);
    }

    public static String property(CamelContext context, String key, String defaultValue) {
        return context.getPropertiesComponent().resolveProperty(key).orElse(defaultValue);
    }

    @Override
    public void close() {
        database.close();
    }
}
