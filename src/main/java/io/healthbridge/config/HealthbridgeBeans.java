package io.healthbridge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.time.Duration;

import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.auth.ConnectionEvents;
import io.healthbridge.auth.OAuthClient;
import io.healthbridge.auth.TokenManager;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.delivery.webhook.WebhookApi;
import io.healthbridge.delivery.webhook.WebhookDispatcher;
import io.healthbridge.delivery.webhook.WebhookStore;
import io.healthbridge.delivery.websocket.WebSocketHub;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.ingest.EventHub;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.provider.MapperRegistry;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderCaller;
import io.healthbridge.provider.ProviderPoller;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.declarative.DeclarativeProvider;
import io.healthbridge.quota.QuotaGate;
import io.healthbridge.security.ApiKeys;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.store.Database;
import io.healthbridge.store.DeadLetterStore;
import io.healthbridge.store.EventStore;
import io.healthbridge.store.JdbcConnectionStore;
import io.healthbridge.store.JdbcDeadLetterStore;
import io.healthbridge.store.JdbcEventStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.Registry;

/**
 * Creates the engines from {@code healthbridge.*} configuration and binds them by name for routes
 * ({@code bean:eventPipeline}, {@code idempotentRepository: eventIdRepository}, …).
 */
public final class HealthbridgeBeans implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthbridgeBeans.class);

    private final Database database;
    private ProviderSimulator simulator;
    private ConnectFlow connectFlow;
    private ConnectionStore connections;
    private ProviderRegistry providers;
    private ProviderCaller caller;
    private java.util.concurrent.ExecutorService dispatchExecutor;
    private WebhookDispatcher webhookDispatcher;
    private io.healthbridge.cluster.OutboxRelay relay;
    private JdbcEventStore eventStore;
    private ProviderPoller poller;
    private io.healthbridge.push.PushProcessor pushProcessor;
    private io.healthbridge.backfill.BackfillRunner backfillRunner;

    private HealthbridgeBeans(Database database) {
        this.database = database;
    }

    public static HealthbridgeBeans bind(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        registry.bind("instanceId", instanceId(property(context, "healthbridge.instance-id", "")));

        PrometheusMeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }

        Path dataDir = Path.of(property(context, "healthbridge.data.dir", "data")).toAbsolutePath().normalize();
        String url = property(context, "healthbridge.store.url", "");
        // local files (the development secret key, first-start credentials) live here on any store: owner only
        io.healthbridge.store.DataDirectory.prepare(dataDir);
        if (url.isBlank()) {
            url = io.healthbridge.store.Database.embeddedUrl(dataDir);
        }
        Database database = Database.open(url, property(context, "healthbridge.store.username", "sa"),
                property(context, "healthbridge.store.password", ""),
                Integer.parseInt(property(context, "healthbridge.store.pool-size", "10")));
        registry.bind("database", database);
        if (database.isPostgres()) {
            io.healthbridge.cluster.ClusteredQuartz.configure(context, database.dataSource(),
                    registry.lookupByNameAndType("instanceId", String.class),
                    Long.parseLong(property(context, "healthbridge.cluster.checkin-interval-ms", "5000")));
        }
        // the store's DataSource is never a registry bean: Camel's sql and jdbc components take the one DataSource they
        // find, and a route file must reach a database only through a DataSource it names itself

        // the embedded store commits publishers' inserts together (each commit is a file write); PostgreSQL commits
        // concurrent transactions in parallel, and so does each insert on its own
        JdbcEventStore events = new JdbcEventStore(database.dataSource(), clock, !database.isPostgres());
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
        HealthbridgeBeans beans = new HealthbridgeBeans(database);
        beans.eventStore = events;
        try {
            beans.bindProviders(context, registry, meters, dataDir, clock);
        } catch (Exception e) {
            beans.close();
            throw e;
        }
        return beans;
    }

    private void bindProviders(CamelContext context, Registry registry, PrometheusMeterRegistry meters, Path dataDir,
            Clock clock) throws Exception {
        SecretBox secrets = SecretBox.load(System.getenv("HEALTHBRIDGE_SECRET_KEY"), dataDir);
        String adminKey = System.getenv("HEALTHBRIDGE_ADMIN_API_KEY");
        if (adminKey == null || adminKey.isBlank()) {
            adminKey = property(context, "healthbridge.api.admin-key", "");
        }
        ApiKeys apiKeys = new ApiKeys(database.dataSource(), adminKey, clock);
        registry.bind("apiKeys", apiKeys);
        InitialCredentials.adminKey(apiKeys, dataDir);
        io.healthbridge.security.Operators operators = new io.healthbridge.security.Operators(database.dataSource(),
                new io.healthbridge.security.PasswordHasher(), clock);
        io.healthbridge.security.OperatorSessions sessions = new io.healthbridge.security.OperatorSessions(
                database.dataSource(), operators, secrets, clock,
                Durations.parse(property(context, "healthbridge.auth.access-token-ttl", "15m")).get(0),
                Durations.parse(property(context, "healthbridge.auth.refresh-token-ttl", "7d")).get(0));
        registry.bind("operators", operators);
        registry.bind("operatorSessions", sessions);
        io.healthbridge.security.Authenticator authenticator = new io.healthbridge.security.Authenticator(apiKeys, sessions);
        registry.bind("authenticator", authenticator);
        registry.bind("loginLimiter", new io.healthbridge.security.LoginLimiter(
                io.healthbridge.quota.QuotaSpec.parse(property(context, "healthbridge.auth.login-limit-per-user", "5/1m")),
                io.healthbridge.quota.QuotaSpec.parse(property(context, "healthbridge.auth.login-limit-per-address", "20/1m")),
                100_000));
        var rateLimits = new io.healthbridge.http.RateLimits.Limits(rate(context, "api-per-credential", "1200/1m"),
                rate(context, "api-per-address", "2400/1m"), rate(context, "push-per-provider", "6000/1m"),
                rate(context, "push-per-address", "6000/1m"), rate(context, "connect-per-address", "30/1m"),
                rate(context, "other-per-address", "12000/1m"));
        registry.bind("rateLimits", database.isPostgres()
                ? io.healthbridge.http.RateLimits.shared(rateLimits, database.dataSource())
                : io.healthbridge.http.RateLimits.local(rateLimits));
        registry.bind("connectLinks", new io.healthbridge.auth.ConnectLinks(io.healthbridge.security.SharedKeys.load(
                database.dataSource(), secrets, clock, "connect-link-key"), clock,
                Boolean.parseBoolean(property(context, "healthbridge.connect.require-signed-links", "true"))));
        InitialCredentials.adminOperator(operators, System.getenv("HEALTHBRIDGE_ADMIN_PASSWORD"), dataDir);
        // the store's files and the first-start credentials exist now: owner only, like the folder
        io.healthbridge.store.DataDirectory.prepare(dataDir);
        connections = new JdbcConnectionStore(database.dataSource(), secrets, clock);
        registry.bind("connectionStore", connections);

        if (Boolean.parseBoolean(property(context, "healthbridge.simulator.enabled", "false"))) {
            simulator = ProviderSimulator.start(property(context, "healthbridge.simulator.host", "127.0.0.1"),
                    Integer.parseInt(property(context, "healthbridge.simulator.port", "0")), clock);
            registry.bind("providerSimulator", simulator);
            simulator.persistTo(dataDir.resolve("simulator-tokens.properties"));
        }
        String simulatorBase = simulator == null ? null : "http://127.0.0.1:" + simulator.port();
        providers = ProviderRegistry.withBuiltIns(
                (key, def) -> property(context, "healthbridge.providers." + key, def), simulatorBase);
        registry.bind("providerRegistry", providers);
        var declared = (java.util.function.Supplier<java.util.Collection<DeclarativeProvider>>) () ->
                context.getRegistry().findByType(DeclarativeProvider.class);
        providers.setDeclared(declared);
        registry.lookupByNameAndType("mapperRegistry", io.healthbridge.provider.MapperRegistry.class).setDeclared(declared);

        ProducerTemplate producer = context.createProducerTemplate();
        OAuthClient oauth = new OAuthClient(clock);
        ConnectionEvents events = new ConnectionEvents(producer, clock);
        TokenManager tokens = new TokenManager(connections, oauth, p -> providers.settings(p).oauth(), events, clock,
                Duration.ofSeconds(Long.parseLong(property(context, "healthbridge.auth.refresh-skew-seconds", "300"))));
        // on a store shared by N instances the quotas are shared too: together they stay within a provider's quota
        QuotaGate quotas = database.isPostgres() ? QuotaGate.shared(clock, database.dataSource()) : new QuotaGate(clock);
        caller = new ProviderCaller(quotas, tokens, meters, clock);
        // integrations registered through the API apply over configuration from the start
        var integrations = new io.healthbridge.integration.Integrations(
                new io.healthbridge.integration.IntegrationStore(database.dataSource(), secrets, clock), providers, caller,
                quotas, meters, clock);
        integrations.setTargets(new TargetPolicy(property(context, "healthbridge.webhooks.allowed-targets", "")));
        registry.bind("integrations", integrations);
        for (ProviderApi api : providers.all()) {
            caller.breaker(providers.settings(api.provider())); // state gauges from the start
        }
        registry.bind("quotaGate", quotas);
        registry.bind("tokenManager", tokens);
        registry.bind("providerCaller", caller);
        poller = new ProviderPoller(providers, connections, caller, producer, meters, clock);
        registry.bind("providerPoller", poller);
        io.healthbridge.push.PushInbox inbox = new io.healthbridge.push.PushInbox(database.dataSource(), clock);
        registry.bind("pushInbox", inbox);
        io.healthbridge.push.PushReceiver receiver = new io.healthbridge.push.PushReceiver(connections,
                pushHandlers(providers, clock), inbox,
                (key, def) -> property(context, "healthbridge.providers." + key, def), meters);
        receiver.setOnRevoked(events::revoked);
        receiver.setReplayGuard(new io.healthbridge.push.ReplayGuard(database.dataSource(), clock,
                io.healthbridge.provider.PushSignatures.TOLERANCE));
        registry.bind("pushReceiver", receiver);
        pushProcessor = new io.healthbridge.push.PushProcessor(inbox, connections, poller, meters, clock);
        registry.bind("pushProcessor", pushProcessor);
        io.healthbridge.backfill.BackfillStore backfills = new io.healthbridge.backfill.BackfillStore(database.dataSource(), clock);
        backfillRunner = new io.healthbridge.backfill.BackfillRunner(backfills,
                connections, providers, poller, clock);
        registry.bind("backfillRunner", backfillRunner);
        registry.bind("backfillApi", new io.healthbridge.backfill.BackfillApi(backfills, backfillRunner, connections));
        connectFlow = new ConnectFlow(connections, oauth, events, p -> providers.settings(p).oauth(),
                property(context, "healthbridge.public-url", "http://127.0.0.1:" + property(context,
                        "camel.server.port", "8080")), clock);
        connectFlow.afterConnect("polar", c -> io.healthbridge.provider.polar.PolarUsers.register(providers.settings("polar").baseUrl(), c));
        registry.bind("connectFlow", connectFlow);
        registry.bind("oauthClient", oauth);

        WebhookStore webhooks = new WebhookStore(database.dataSource(), secrets, clock);
        TargetPolicy targets = new TargetPolicy(property(context, "healthbridge.webhooks.allowed-targets", ""));
        WebhookDispatcher.Settings ws = new WebhookDispatcher.Settings(
                Durations.parse(property(context, "healthbridge.webhooks.retry-schedule", "0s,5s,5m,30m,2h,5h,10h,10h")),
                Duration.ofMillis(Long.parseLong(property(context, "healthbridge.webhooks.timeout-ms", "15000"))),
                Durations.parse(property(context, "healthbridge.webhooks.disable-after", "5d")).get(0),
                Integer.parseInt(property(context, "healthbridge.webhooks.max-concurrency-per-endpoint", "4")),
                Durations.parse(property(context, "healthbridge.webhooks.secret-rotation-overlap", "24h")).get(0),
                Durations.parse(property(context, "healthbridge.webhooks.breaker-open", "30s")).get(0));
        dispatchExecutor = java.util.concurrent.Executors.newFixedThreadPool(
                Integer.parseInt(property(context, "healthbridge.webhooks.threads", "16")), r -> {
                    Thread t = new Thread(r, "webhook-sender");
                    t.setDaemon(true);
                    return t;
                });
        WebhookDispatcher dispatcher = new WebhookDispatcher(webhooks, events(registry), targets, ws, meters, clock,
                dispatchExecutor);
        dispatcher.setAnnouncer(e -> producer.sendBody("direct:publish", e));
        webhookDispatcher = dispatcher;
        dispatcher.initCursor();
        WebSocketHub hub = new WebSocketHub(authenticator, events(registry), meters,
                Integer.parseInt(property(context, "healthbridge.websocket.max-buffer-bytes", "1048576")),
                Long.parseLong(property(context, "healthbridge.websocket.ping-interval-ms", "30000")));
        hub.setRecheckMillis(Long.parseLong(property(context, "healthbridge.websocket.credential-recheck-ms", "5000")));
        registry.lookupByNameAndType("eventHub", io.healthbridge.ingest.EventHub.class).addListener(hub::onEvent);
        registry.bind("webSocketHub", hub);
        io.healthbridge.admin.Maintenance maintenance = new io.healthbridge.admin.Maintenance(database.dataSource(), clock);
        registry.bind("maintenance", maintenance);
        // a new event rings the dispatcher at once instead of waiting for the next poll (latency, not correctness)
        dispatcher.setActive(maintenance::isOff);
        maintenance.onResume(dispatcher::run); // what waited during maintenance is sent now, not at the next poll
        if (kafkaBus(context)) {
            dispatcher.setFedByBus();
            io.healthbridge.ingest.OutboxReader relayed = new io.healthbridge.ingest.OutboxReader(events(registry),
                    () -> webhooks.cursor(RELAY_CURSOR), seq -> webhooks.saveCursor(RELAY_CURSOR, seq), 500, clock);
            relayed.init();
            relay = new io.healthbridge.cluster.OutboxRelay(relayed, new io.healthbridge.cluster.Leadership("outbox-relay",
                    database.dataSource(), database.isPostgres(), clock), producer, context,
                    io.healthbridge.ingest.PublishRoutes.topicUri());
            registry.bind("outboxRelay", relay);
            if (!database.isPostgres()) {
                LOG.warn("The Kafka bus runs on the embedded store: instances do not share state; point "
                         + "healthbridge.store.url at one PostgreSQL database for every instance");
            }
        } else {
            registry.lookupByNameAndType("eventHub", io.healthbridge.ingest.EventHub.class).addListener(e -> dispatcher.kick());
        }
        io.healthbridge.admin.AuditLog audit = new io.healthbridge.admin.AuditLog(database.dataSource(), clock);
        // camel-main adds EventNotifier beans of the registry to the context itself
        registry.bind("auditLog", audit);
        registry.bind("webhookStore", webhooks);
        registry.bind("webhookDispatcher", dispatcher);
        registry.bind("webhookApi", new WebhookApi(webhooks, events(registry), targets, dispatcher));
    }

    /** The outbox position the Kafka relay has sent up to. */
    static final String RELAY_CURSOR = "kafka-relay";

    static boolean kafkaBus(CamelContext context) {
        String bus = property(context, "healthbridge.bus", "embedded").trim();
        if (!bus.equals("embedded") && !bus.equals("kafka")) {
            throw new IllegalArgumentException("healthbridge.bus is '" + bus + "': it must be embedded or kafka");
        }
        return bus.equals("kafka");
    }

    /** The configured instance id, or the host name with a random suffix (two instances on one host differ). */
    static String instanceId(String configured) {
        if (!configured.isBlank()) {
            if (!configured.trim().matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("healthbridge.instance-id '" + configured.trim()
                        + "' may hold only letters, digits, '.', '_' and '-' (at most 64)");
            }
            return configured.trim();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (java.io.IOException e) {
            host = "healthbridge";
        }
        return (host.length() > 48 ? host.substring(0, 48) : host) + "-"
               + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static io.healthbridge.store.EventStore events(Registry registry) {
        return registry.lookupByNameAndType("eventStore", io.healthbridge.store.EventStore.class);
    }

    private static io.healthbridge.quota.QuotaSpec rate(CamelContext context, String key, String fallback) {
        return io.healthbridge.quota.QuotaSpec.parse(property(context, "healthbridge.rate-limit." + key, fallback));
    }

    /**
     * With the simulator on, links the demo users ({@code healthbridge.demo.users}) to every simulated provider
     * through the real OAuth flow, so a fresh start has data flowing within seconds and no credentials.
     */
    public void afterStart(CamelContext context) {
        // the router is registered under a name carrying the server port
        int port = Integer.parseInt(property(context, "camel.server.port", "8080"));
        var router = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context,
                org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router != null) {
            io.healthbridge.api.RequestIds.attach(router);
            context.getRegistry().lookupByNameAndType("rateLimits", io.healthbridge.http.RateLimits.class).attach(router);
            io.healthbridge.http.ApiErrors.attach(router);
            context.getRegistry().lookupByNameAndType("webSocketHub", WebSocketHub.class).attach(router, router.vertx());
        } else {
            LOG.warn("No HTTP server router on port {}: the WebSocket stream {} is not served", port, WebSocketHub.PATH);
        }
        String users = property(context, "healthbridge.demo.users", "");
        if (simulator == null || users.isBlank()) {
            return;
        }
        for (String user : users.split(",")) {
            String u = user.trim();
            for (ProviderApi api : providers.all()) {
                if (!providers.settings(api.provider()).simulated() || connections.find(u, api.provider()).isPresent()) {
                    continue;
                }
                try {
                    java.net.URI callback = simulator.authorize(connectFlow.start(api.provider(), u));
                    var q = io.healthbridge.simulator.ProviderSimulator.queryOf(callback);
                    connectFlow.complete(api.provider(), q.get("code"), q.get("state"), "Europe/Berlin");
                } catch (RuntimeException e) {
                    LOG.warn("Demo connection of {} to {} failed: {}", u, api.provider(), e.getMessage());
                }
            }
        }
    }

    public static String property(CamelContext context, String key, String defaultValue) {
        return context.getPropertiesComponent().resolveProperty(key).orElse(defaultValue);
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        if (webhookDispatcher != null) {
            webhookDispatcher.close();
        }
        if (dispatchExecutor != null) {
            dispatchExecutor.shutdownNow();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (eventStore != null) {
            eventStore.close();
        }
        database.close();
    }

    /** Each provider's push endpoint; a provider without one answers 404. */
    static List<io.healthbridge.provider.PushHandler> pushHandlers(ProviderRegistry providers, Clock clock) {
        return List.of(new io.healthbridge.provider.oura.OuraPush(providers, clock),
                new io.healthbridge.provider.withings.WithingsPush(),
                new io.healthbridge.provider.googlehealth.GoogleHealthPush(providers),
                new io.healthbridge.provider.whoop.WhoopPush(providers, clock),
                new io.healthbridge.provider.strava.StravaPush(), new io.healthbridge.provider.polar.PolarPush(),
                new io.healthbridge.provider.garmin.GarminPush(providers));
    }
}
