package io.healthbridge.config;

import java.net.URI;

import io.healthbridge.auth.ConnectFlow;
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
}
