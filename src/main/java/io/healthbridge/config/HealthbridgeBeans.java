package io.healthbridge.config;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.UUID;

import io.healthbridge.api.RequestIds;
import io.healthbridge.delivery.webhook.WebhookStore;
import io.healthbridge.delivery.websocket.WebSocketHub;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.http.ObserveGuard;
import io.healthbridge.http.RateLimits;
import io.healthbridge.imports.ImportJobs;
import io.healthbridge.imports.ImportStore;
import io.healthbridge.imports.UploadGuard;
import io.healthbridge.phone.AppleHealthIngest;
import io.healthbridge.phone.HealthConnectIngest;
import io.healthbridge.security.Authenticator;
import io.healthbridge.security.DeviceTokens;
import io.healthbridge.security.LoginLimiter;
import io.healthbridge.security.Operators;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.UserData;
import io.healthbridge.users.Erasure;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the engines from {@code healthbridge.*} configuration and binds them by name for routes
 * ({@code bean:eventPipeline}, {@code idempotentRepository: eventIdRepository}, …), one feature at a time: the store
 * and publish path, security, providers, delivery. Each feature's wiring says what it makes; this class orders them,
 * attaches what needs the running HTTP server, and closes them in reverse.
 */
public final class HealthbridgeBeans implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthbridgeBeans.class);

    private final Settings settings;
    private final StoreWiring store;
    private ProviderWiring providers;
    private DeliveryWiring delivery;
    private ReconcileWiring reconcile;
    private TracingWiring tracing;

    private HealthbridgeBeans(Settings settings, StoreWiring store) {
        this.settings = settings;
        this.store = store;
    }

    public static HealthbridgeBeans bind(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        Settings settings = new Settings(context);
        ManagementGuard.check(settings);
        String instanceId = instanceId(settings.text("healthbridge.instance-id"));
        registry.bind("instanceId", instanceId);
        PrometheusMeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        HealthbridgeBeans beans = new HealthbridgeBeans(settings, new StoreWiring(context, settings, instanceId, meters,
                clock));
        try {
            beans.tracing = new TracingWiring(context, settings);
            registry.bind("tracing", beans.tracing.tracing);
            SecurityWiring security = new SecurityWiring(registry, settings, beans.store, clock);
            ProducerTemplate producer = context.createProducerTemplate();
            beans.providers = new ProviderWiring(context, settings, beans.store, security, producer, meters, clock);
            beans.delivery = new DeliveryWiring(context, settings, beans.store, security, producer, meters, clock);
            // end users span the features: their connections, events, deliveries
            UserData users = new UserData(beans.store.database.dataSource());
            registry.bind("userData", users);
            ErasureGate gate = beans.store.events.erasureGate();
            Erasure erasure = new Erasure(users, beans.providers.connections, beans.providers.connectFlow,
                    registry.lookupByNameAndType("webhookStore", WebhookStore.class).endpoints(), gate, clock);
            erasure.setAnnouncer(e -> producer.sendBody("direct:publish", e));
            registry.bind("erasure", erasure);
            DeviceTokens deviceTokens = registry.lookupByNameAndType("deviceTokens", DeviceTokens.class);
            SchemaRegistry schemas = registry.lookupByNameAndType("schemaRegistry", SchemaRegistry.class);
            registry.bind("healthConnectIngest", new HealthConnectIngest(deviceTokens, schemas, beans.store.events,
                    producer, clock));
            registry.bind("appleHealthIngest", new AppleHealthIngest(deviceTokens, schemas, producer, clock));
            ImportJobs imports = new ImportJobs(context, new ImportStore(beans.store.database.dataSource(), clock),
                    beans.store.dataDir, settings.integer("healthbridge.imports.chunk"),
                    settings.number("healthbridge.imports.max-upload-bytes"),
                    settings.number("healthbridge.imports.max-xml-bytes"), clock);
            registry.bind("importJobs", imports);
            erasure.setPause(imports::pauseFor);
            beans.reconcile = new ReconcileWiring(registry, settings, beans.store,
                    registry.lookupByNameAndType("webhookStore", WebhookStore.class), producer, meters, clock);
            context.addService(imports);
        } catch (Exception | Error e) {
            beans.close();
            throw e;
        }
        return beans;
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
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (IOException e) {
            host = "healthbridge";
        }
        return (host.length() > 48 ? host.substring(0, 48) : host) + "-"
               + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Attaches request ids, rate limits, error pages and the WebSocket stream to the HTTP server; demo connections. */
    public void afterStart(CamelContext context) {
        // the router is registered under a name carrying the server port
        int port = settings.integer("camel.server.port");
        var router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router != null) {
            RequestIds.attach(router);
            context.getRegistry().lookupByNameAndType("rateLimits", RateLimits.class).attach(router);
            ApiErrors.attach(router);
            delivery.webSocketHub.attach(router, router.vertx());
            Authenticator authenticator = context.getRegistry().lookupByNameAndType("authenticator",
                    Authenticator.class);
            UploadGuard.attach(router, settings.number("healthbridge.imports.max-upload-bytes"), authenticator);
            ObserveGuard.attach(router, authenticator, context.getRegistry().lookupByNameAndType("operators",
                    Operators.class), context.getRegistry().lookupByNameAndType("loginLimiter", LoginLimiter.class));
        } else {
            LOG.warn("No HTTP server router on port {}: the WebSocket stream {} is not served", port, WebSocketHub.PATH);
        }
        DemoConnections.connect(settings.text("healthbridge.demo.users"), providers.simulator, providers.providers,
                providers.connections, providers.connectFlow);
        DemoConnections.phone(settings.text("healthbridge.demo.users"), providers.simulator,
                context.getRegistry().lookupByNameAndType("healthConnectIngest", HealthConnectIngest.class),
                context.getRegistry().lookupByNameAndType("importJobs", ImportJobs.class));
    }

    @Override
    public void close() {
        if (reconcile != null) {
            reconcile.close();
        }
        if (delivery != null) {
            delivery.close();
        }
        if (providers != null) {
            providers.close();
        }
        if (tracing != null) {
            tracing.close();
        }
        store.close();
    }
}
