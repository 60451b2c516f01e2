package io.healthbridge.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.auth.ConnectionEvents;
import io.healthbridge.auth.OAuthClient;
import io.healthbridge.auth.TokenManager;
import io.healthbridge.backfill.BackfillApi;
import io.healthbridge.backfill.BackfillRunner;
import io.healthbridge.backfill.BackfillStore;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.integration.IntegrationStore;
import io.healthbridge.integration.Integrations;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderCaller;
import io.healthbridge.provider.ProviderPoller;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.provider.declarative.DeclarativeProvider;
import io.healthbridge.provider.garmin.GarminPush;
import io.healthbridge.provider.googlehealth.GoogleHealthPush;
import io.healthbridge.provider.oura.OuraPush;
import io.healthbridge.provider.polar.PolarPush;
import io.healthbridge.provider.polar.PolarUsers;
import io.healthbridge.provider.strava.StravaPush;
import io.healthbridge.provider.whoop.WhoopPush;
import io.healthbridge.provider.withings.WithingsPush;
import io.healthbridge.push.PushInbox;
import io.healthbridge.push.PushProcessor;
import io.healthbridge.push.PushReceiver;
import io.healthbridge.push.ReplayGuard;
import io.healthbridge.quota.QuotaGate;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.store.ConnectionStore;
import io.healthbridge.store.Database;
import io.healthbridge.store.JdbcConnectionStore;
import io.healthbridge.telemetry.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Registry;

/**
 * Reaching the providers: connections, the simulator when enabled, the provider registry (built-in and declared in
 * route files), tokens, quotas and the guarded caller, integrations, the poller, push endpoints and their inbox,
 * backfills and the OAuth connect flow.
 */
final class ProviderWiring {

    final ConnectionStore connections;
    final ProviderRegistry providers;
    final ProviderSimulator simulator;
    final ConnectFlow connectFlow;

    ProviderWiring(CamelContext context, Settings settings, StoreWiring store, SecurityWiring security,
            ProducerTemplate producer, MeterRegistry meters, Clock clock) throws Exception {
        Registry registry = context.getRegistry();
        Database database = store.database;
        connections = new JdbcConnectionStore(database.dataSource(), security.secrets, clock);
        registry.bind("connectionStore", connections);

        if (settings.flag("healthbridge.simulator.enabled")) {
            simulator = ProviderSimulator.start(settings.text("healthbridge.simulator.host"),
                    settings.integer("healthbridge.simulator.port"), clock);
            registry.bind("providerSimulator", simulator);
            simulator.persistTo(store.dataDir.resolve("simulator-tokens.properties"));
        } else {
            simulator = null;
        }
        String simulatorBase = simulator == null ? null : "http://127.0.0.1:" + simulator.port();
        providers = ProviderRegistry.withBuiltIns((key, def) -> context.getPropertiesComponent()
                .resolveProperty("healthbridge.providers." + key).orElse(def), simulatorBase);
        registry.bind("providerRegistry", providers);
        Supplier<Collection<DeclarativeProvider>> declared = () -> registry.findByType(DeclarativeProvider.class);
        providers.setDeclared(declared);
        store.mappers.setDeclared(declared);

        OAuthClient oauth = new OAuthClient(clock);
        ConnectionEvents connectionEvents = new ConnectionEvents(producer, clock);
        TokenManager tokens = new TokenManager(connections, oauth, p -> providers.settings(p).oauth(), connectionEvents,
                clock, Duration.ofSeconds(settings.number("healthbridge.auth.refresh-skew-seconds")));
        // on a store shared by N instances the quotas are shared too: together they stay within a provider's quota
        QuotaGate quotas = database.isPostgres() ? QuotaGate.shared(clock, database.dataSource()) : new QuotaGate(clock);
        ProviderCaller caller = new ProviderCaller(quotas, tokens, meters, clock);
        caller.setTracing(registry.lookupByNameAndType("tracing", Tracing.class));
        // integrations registered through the API apply over configuration from the start
        Integrations integrations = new Integrations(new IntegrationStore(database.dataSource(), security.secrets, clock),
                providers, caller, quotas, meters, clock);
        integrations.setTargets(new TargetPolicy(settings.text("healthbridge.webhooks.allowed-targets")));
        registry.bind("integrations", integrations);
        for (ProviderApi api : providers.all()) {
            caller.breaker(providers.settings(api.provider())); // state gauges from the start
        }
        registry.bind("quotaGate", quotas);
        registry.bind("tokenManager", tokens);
        registry.bind("providerCaller", caller);
        ProviderPoller poller = new ProviderPoller(providers, connections, caller, producer, meters, clock);
        registry.bind("providerPoller", poller);

        PushInbox inbox = new PushInbox(database.dataSource(), clock);
        registry.bind("pushInbox", inbox);
        PushReceiver receiver = new PushReceiver(connections, pushHandlers(providers, clock), inbox,
                (key, def) -> context.getPropertiesComponent().resolveProperty("healthbridge.providers." + key)
                        .orElse(def), meters);
        receiver.setOnRevoked(connectionEvents::revoked);
        receiver.setErasureGate(store.events.erasureGate());
        receiver.setReplayGuard(new ReplayGuard(database.dataSource(), clock, PushSignatures.TOLERANCE));
        registry.bind("pushReceiver", receiver);
        registry.bind("pushProcessor", new PushProcessor(inbox, connections, poller, meters, clock));

        BackfillStore backfills = new BackfillStore(database.dataSource(), clock);
        BackfillRunner backfillRunner = new BackfillRunner(backfills, connections, providers, poller, clock);
        registry.bind("backfillRunner", backfillRunner);
        registry.bind("backfillApi", new BackfillApi(backfills, backfillRunner, connections));

        connectFlow = new ConnectFlow(connections, oauth, connectionEvents, p -> providers.settings(p).oauth(),
                settings.text("healthbridge.public-url"), clock);
        connectFlow.afterConnect("polar", c -> PolarUsers.register(providers.settings("polar").baseUrl(), c));
        registry.bind("connectFlow", connectFlow);
        registry.bind("oauthClient", oauth);
    }

    /** Each provider's push endpoint; a provider without one answers 404. */
    static List<PushHandler> pushHandlers(ProviderRegistry providers, Clock clock) {
        return List.of(new OuraPush(providers, clock), new WithingsPush(), new GoogleHealthPush(providers),
                new WhoopPush(providers, clock), new StravaPush(), new PolarPush(), new GarminPush(providers));
    }

    void close() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
