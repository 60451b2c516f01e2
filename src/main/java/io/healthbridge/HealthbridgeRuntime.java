package io.healthbridge;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import io.healthbridge.admin.AdminRoutes;
import io.healthbridge.admin.AuditLog;
import io.healthbridge.admin.RouteControl;
import io.healthbridge.api.ManagementRoutes;
import io.healthbridge.api.OpenApiDocs;
import io.healthbridge.backfill.BackfillRoutes;
import io.healthbridge.config.EnvironmentOverrides;
import io.healthbridge.config.HealthbridgeBeans;
import io.healthbridge.delivery.webhook.WebhookRoutes;
import io.healthbridge.http.HttpRouteConfigurations;
import io.healthbridge.http.NoEchoHeaderFilterStrategy;
import io.healthbridge.imports.ImportRoutes;
import io.healthbridge.ingest.PublishRoutes;
import io.healthbridge.integration.IntegrationRoutes;
import io.healthbridge.phone.PhoneRoutes;
import io.healthbridge.push.PushRoutes;
import io.healthbridge.reconcile.DayRoutes;
import io.healthbridge.sink.SinkRoutes;
import io.healthbridge.reload.RouteFileLoader;
import io.healthbridge.reload.RouteFileWatcher;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Healthbridge instance: camel-main with the embedded HTTP server, the built-in management routes and the
 * hot-reloaded route files. Used by the command line and by whole-runtime tests.
 */
public class HealthbridgeRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(HealthbridgeRuntime.class);

    private final Main main;
    private final Path routesOverride;
    private RouteFileLoader loader;
    private RouteFileWatcher watcher;
    private HealthbridgeBeans beans;
    /** Whether the route files present at start have been applied: until then the runtime is not ready. */
    private final AtomicBoolean routeFilesLoaded = new AtomicBoolean();
    private long startNanos;

    /**
     * @param config    properties file read over the built-in defaults, or null for the defaults alone
     * @param routesDir route files folder, or null for {@code healthbridge.routes.dir}
     * @param overrides properties that win over every file and environment variable (tests), or null
     */
    public HealthbridgeRuntime(Path config, Path routesDir, Properties overrides) {
        this.routesOverride = routesDir;
        this.main = new Main();
        // the first location that has a key wins: the operator's file over the built-in defaults
        String locations = "classpath:application.properties;optional=true";
        if (config != null) {
            locations = "file:" + config.toAbsolutePath() + "," + locations;
        }
        main.setPropertyPlaceholderLocations(locations);
        Properties effective = environmentOverrides(config);
        if (overrides != null) {
            effective.putAll(overrides);
        }
        main.setOverrideProperties(effective);
        main.configure().addRoutesBuilder(new ManagementRoutes());
        main.configure().addRoutesBuilder(new PublishRoutes());
        main.configure().addRoutesBuilder(new WebhookRoutes());
        main.configure().addRoutesBuilder(new PushRoutes());
        main.configure().addRoutesBuilder(new PhoneRoutes());
        main.configure().addRoutesBuilder(new ImportRoutes());
        main.configure().addRoutesBuilder(new DayRoutes());
        main.configure().addRoutesBuilder(new SinkRoutes());
        main.configure().addRoutesBuilder(new BackfillRoutes());
        main.configure().addRoutesBuilder(new AdminRoutes());
        main.configure().addRoutesBuilder(new IntegrationRoutes());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                try {
                    NoEchoHeaderFilterStrategy.install(m.getCamelContext());
                    m.getCamelContext().getRegistry().bind(ROUTE_FILES_LOADED, routeFilesLoaded);
                    beans = HealthbridgeBeans.bind(m.getCamelContext());
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfiguration(e.getMessage(), e);
                } catch (Exception e) {
                    throw new IllegalStateException("Healthbridge cannot start: " + e.getMessage(), e);
                }
            }

            @Override
            public void afterConfigure(BaseMainSupport m) {
                CamelContext context = m.getCamelContext();
                // before the routes start: the OpenAPI document is rendered once, when its route starts
                OpenApiDocs.describe(context);
                createLoader(context);
                context.addLifecycleStrategy(new LifecycleStrategySupport() {
                    @Override
                    public void onContextStarted(CamelContext ctx) {
                        startRouteFiles(ctx);
                        beans.afterStart(ctx);
                    }

                    @Override
                    public void onContextStopping(CamelContext ctx) {
                        LOG.info("Healthbridge stopping");
                        if (watcher != null) {
                            watcher.stop();
                        }
                    }

                    @Override
                    public void onContextStopped(CamelContext ctx) {
                        if (beans != null) {
                            beans.close();
                        }
                        LOG.info("Healthbridge stopped");
                    }
                });
            }
        });
    }

    /** Registry name of the flag that says the route files present at start are applied (readiness). */
    public static final String ROUTE_FILES_LOADED = "routeFilesLoaded";

    private static Properties environmentOverrides(Path config) {
        try {
            Properties env = EnvironmentOverrides.from(System.getenv(), EnvironmentOverrides.declaredKeys(config));
            if (!env.isEmpty()) {
                // keys only: values may be secrets
                LOG.info("Configuration overridden from the environment: {}", new TreeSet<>(env.stringPropertyNames()));
            }
            return env;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read configuration " + config + ": " + e.getMessage(), e);
        }
    }

    private void createLoader(CamelContext context) {
        Path routes = routesOverride != null ? routesOverride
                : Path.of(property(context, "healthbridge.routes.dir", "routes"));
        loader = new RouteFileLoader(context, routes, Clock.systemUTC());
        loader.setDefaultConfigurations(HttpRouteConfigurations.fileDefault(context));
        try {
            context.getCamelContextExtension().getContextPlugin(Model.class)
                    .addRouteConfigurations(HttpRouteConfigurations.named(context));
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the HTTP route configurations: " + e.getMessage(), e);
        }
        context.getRegistry().bind("routeFileLoader", loader);
    }

    private void startRouteFiles(CamelContext context) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        loader.setMeterRegistry(registry);
        AuditLog audit = context.getRegistry().lookupByNameAndType("auditLog",
                AuditLog.class);
        if (audit != null) {
            loader.setAudit(audit::record);
        }
        RouteControl control = context.getRegistry().lookupByNameAndType("routeControl", RouteControl.class);
        if (control != null) {
            loader.setHeld(control::isHeld);
        }
        watcher = new RouteFileWatcher(loader);
        watcher.loadAll();
        routeFilesLoaded.set(true);
        if (Boolean.parseBoolean(property(context, "healthbridge.routes.reload-enabled", "true"))) {
            long interval = Long.parseLong(property(context, "healthbridge.routes.reload-interval-ms", "200"));
            ScheduledExecutorService executor = context.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "route-file-watcher");
            watcher.start(executor, interval);
        }
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            // HealthbridgeApplication sets it for java -jar; embedded, it is the host JVM's setting
            LOG.warn("The JVM's common pool has a parallelism of 1 (one or two CPUs): every HTTP response then starts a "
                     + "thread of its own. Start the JVM with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        LOG.info("Healthbridge started in {} ms: http://{}:{} ({} routes, {} route files from {})", ms,
                property(context, "camel.server.host", "0.0.0.0"), property(context, "camel.server.port", "8080"),
                context.getRoutes().size(), loader.files().size(), loader.getRoot());
    }

    static String property(CamelContext context, String key, String defaultValue) {
        return context.getPropertiesComponent().resolveProperty(key).orElse(defaultValue);
    }

    /** Starts and returns once the runtime serves. */
    public void start() throws Exception {
        startNanos = System.nanoTime();
        main.start();
    }

    /** Starts and blocks until the JVM is asked to stop (SIGTERM, Ctrl+C). */
    public void run() throws Exception {
        startNanos = System.nanoTime();
        main.run();
    }

    public void stop() {
        main.stop();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public RouteFileLoader routeFileLoader() {
        return loader;
    }

    /** A configuration value the runtime cannot use; its message names the key and what it must be. */
    public static final class InvalidConfiguration extends RuntimeException {
        InvalidConfiguration(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
