package io.healthbridge.provider;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.healthbridge.provider.declarative.DeclarativeProvider;
import io.healthbridge.provider.declarative.DeclaredProviders;
import io.healthbridge.provider.garmin.GarminApi;
import io.healthbridge.provider.googlehealth.GoogleHealthApi;
import io.healthbridge.provider.oura.OuraApi;
import io.healthbridge.provider.polar.PolarApi;
import io.healthbridge.provider.strava.StravaApi;
import io.healthbridge.provider.whoop.WhoopApi;
import io.healthbridge.provider.withings.WithingsApi;

/**
 * The pollable providers: their API definitions and effective settings. A setting is taken from, in order: the
 * integration registered through the API ({@code /api/v1/integrations}), the route file that polls the provider
 * (its quotas), {@code healthbridge.providers.<id>.*} configuration, the provider's defaults.
 */
public class ProviderRegistry {

    private final Map<String, ProviderApi> apis = new ConcurrentHashMap<>();
    private final Map<String, ProviderSettings> settings = new ConcurrentHashMap<>();
    private final Map<String, List<DeclarativeProvider>> declaredFrom = new ConcurrentHashMap<>();
    private BiFunction<String, String, String> property = (k, d) -> d;
    private String simulatorBaseUrl;
    private Supplier<Collection<DeclarativeProvider>> declared = List::of;
    private Function<String, Map<String, String>> overrides = p -> Map.of();
    private Predicate<String> active = p -> true;
    private final Map<String, Map<String, String>> routeValues = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastPoll = new ConcurrentHashMap<>();

    public static ProviderRegistry withBuiltIns(BiFunction<String, String, String> property, String simulatorBaseUrl) {
        ProviderRegistry r = new ProviderRegistry();
        r.property = property;
        r.simulatorBaseUrl = simulatorBaseUrl;
        for (ProviderApi api : new ProviderApi[] { new OuraApi(), new WithingsApi(), new GoogleHealthApi(),
                new WhoopApi(), new StravaApi(),
                new PolarApi(), new GarminApi() }) {
            r.register(api, r.resolve(api));
        }
        return r;
    }

    private ProviderSettings resolve(ProviderApi api) {
        String p = api.provider();
        return ProviderSettings.resolve(api, properties(p), simulatorBaseUrl == null ? null : simulatorBaseUrl + "/" + p);
    }

    /** The layered settings of a provider (see the class comment); {@code extra} wins over all of them. */
    public BiFunction<String, String, String> properties(String provider, Map<String, String> extra) {
        return (key, def) -> {
            String v = extra.get(key);
            if (v == null) {
                v = overrides.apply(provider).get(key);
            }
            if (v == null) {
                v = routeValues.getOrDefault(provider, Map.of()).get(key);
            }
            return v != null ? v : property.apply(provider + "." + key, def);
        };
    }

    private BiFunction<String, String, String> properties(String provider) {
        return properties(provider, Map.of());
    }

    /** Settings as they would be with {@code extra} applied: for checking a change before it is stored. */
    public ProviderSettings trial(String provider, Map<String, String> extra) {
        ProviderApi api = api(provider).orElseThrow(() -> new IllegalArgumentException("unknown provider '" + provider + "'"));
        return ProviderSettings.resolve(api, properties(provider, extra),
                simulatorBaseUrl == null ? null : simulatorBaseUrl + "/" + provider);
    }

    /** Where settings registered through the API come from, and which integrations are unregistered. */
    public void setIntegrations(Function<String, Map<String, String>> overrides,
            Predicate<String> active) {
        this.overrides = overrides;
        this.active = active;
        apis.values().forEach(a -> settings.put(a.provider(), resolve(a)));
    }

    /** Re-reads a provider's settings after its integration changed. */
    public void reload(String provider) {
        ProviderApi api = apis.get(provider);
        if (api != null) {
            settings.put(provider, resolve(api));
        }
    }

    /** False once the integration was unregistered: no call goes out to it. */
    public boolean isActive(String provider) {
        return active.test(provider);
    }

    /** Quotas written in the route file that polls the provider ({@code default}: none from the route). */
    public void routeQuotas(String provider, String app, String user) {
        Map<String, String> values = new HashMap<>();
        if (app != null && !app.isBlank() && !"default".equals(app)) {
            values.put("app-quota", app);
        }
        if (user != null && !user.isBlank() && !"default".equals(user)) {
            values.put("user-quota", user);
        }
        if (!values.equals(routeValues.getOrDefault(provider, Map.of()))) {
            routeValues.put(provider, Map.copyOf(values));
            reload(provider);
        }
    }

    /**
     * Whether a tick of the provider's poll route should poll: the integration is registered, its polling enabled,
     * and its poll interval (if any) has passed since the last poll; a due poll is recorded as started now.
     */
    public synchronized boolean pollDue(String provider, Instant now) {
        ProviderSettings s = settings(provider);
        if (!isActive(provider) || !s.pollEnabled()) {
            return false;
        }
        Instant last = lastPoll.get(provider);
        if (s.pollInterval() != null && last != null && last.plus(s.pollInterval()).isAfter(now)) {
            return false;
        }
        lastPoll.put(provider, now);
        return true;
    }

    public Instant lastPoll(String provider) {
        return lastPoll.get(provider);
    }

    public void register(ProviderApi api, ProviderSettings s) {
        apis.put(api.provider(), api);
        settings.put(api.provider(), s);
    }

    /** Where providers declared in route files are found (beans of {@link DeclarativeProvider}). */
    public void setDeclared(Supplier<Collection<DeclarativeProvider>> declared) {
        this.declared = declared;
    }

    /** Registers declared providers, again when their route file was reloaded (new bean instances). */
    private void refresh() {
        DeclaredProviders.byProvider(declared.get()).forEach((p, beans) -> {
            if (sameBeans(declaredFrom.get(p), beans)) {
                return;
            }
            ProviderApi api = DeclaredProviders.api(beans);
            register(api, resolve(api));
            declaredFrom.put(p, List.copyOf(beans));
        });
    }

    private static boolean sameBeans(List<DeclarativeProvider> a, List<DeclarativeProvider> b) {
        if (a == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    public Optional<ProviderApi> api(String provider) {
        refresh();
        return Optional.ofNullable(apis.get(provider));
    }

    public ProviderSettings settings(String provider) {
        refresh();
        ProviderSettings s = settings.get(provider);
        if (s == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'; known: " + apis.keySet());
        }
        return s;
    }

    public Collection<ProviderApi> all() {
        refresh();
        return apis.values();
    }
}
