package io.healthbridge.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.event.EventJson;
import io.healthbridge.imports.ImportJobs;
import io.healthbridge.phone.HealthConnectIngest;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.store.ConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With the simulator on, links the demo users ({@code healthbridge.demo.users}) to every simulated provider through
 * the real OAuth flow, so a fresh start has data flowing within seconds and no credentials.
 */
final class DemoConnections {

    private static final Logger LOG = LoggerFactory.getLogger(DemoConnections.class);

    private DemoConnections() {
    }

    static void connect(String users, ProviderSimulator simulator, ProviderRegistry providers,
            ConnectionStore connections, ConnectFlow connectFlow) {
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
                    URI callback = simulator.authorize(connectFlow.start(api.provider(), u));
                    var q = ProviderSimulator.queryOf(callback);
                    connectFlow.complete(api.provider(), q.get("code"), q.get("state"), "Europe/Berlin");
                } catch (RuntimeException e) {
                    LOG.warn("Demo connection of {} to {} failed: {}", u, api.provider(), e.getMessage());
                }
            }
        }
    }

    /**
     * With the simulator on, the first demo user's phone pushes the Health Connect sample batch (Samsung Health, Google
     * Fit, a scale, in January 2025), so phone data sits beside the providers' from the first start; later starts find
     * it there already (duplicates). Every demo user gets an Apple Health import of the shared sample export, once.
     */
    static void phone(String users, ProviderSimulator simulator, HealthConnectIngest ingest, ImportJobs imports) {
        if (simulator == null || users.isBlank()) {
            return;
        }
        String user = users.split(",")[0].trim();
        try (var in = DemoConnections.class.getResourceAsStream("/demo/health-connect-batch.json")) {
            var batch = EventJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Map<String, Object> answer = ingest.ingest(user, batch);
            LOG.info("Demo: {}'s phone pushed a Health Connect batch: {} events published, {} there already", user,
                    answer.get("published"), answer.get("duplicates"));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Demo Health Connect push for {} failed: {}", user, e.getMessage());
        }
        // every demo user's iPhone: an Apple Health export (the shared sample: iPhone and Watch, January 2025)
        for (String u : users.split(",")) {
            try (var in = DemoConnections.class.getResourceAsStream("/demo/apple-health-export.xml")) {
                imports.importOnce(u.trim(), "export.xml", in).ifPresent(job ->
                        LOG.info("Demo: {}'s Apple Health export is being imported (GET /api/v1/imports/{})", u.trim(),
                                job.id()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Demo Apple Health import for {} failed: {}", u.trim(), e.getMessage());
            }
        }
    }
}
