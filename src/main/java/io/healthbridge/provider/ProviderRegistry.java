package io.healthbridge.provider;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import io.healthbridge.provider.declarative.DeclarativeProvider;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import io.healthbridge.provider.googlehealth.GoogleHealthApi;
import io.healthbridge.provider.oura.OuraApi;
import io.healthbridge.provider.withings.WithingsApi;

/** The pollable providers: their API definitions and effective settings. */
public class ProviderRegistry {

    private final Map<String, ProviderApi> apis = new ConcurrentHashMap<>();
    private final Map<String, ProviderSettings> settings = new ConcurrentHashMap<>();
    private final Map<String, DeclarativeProvider> declaredFrom = new ConcurrentHashMap<>();
    private BiFunction<String, String, String> property = (k, d) -> d;
    private String simulatorBaseUrl;
    private Supplier<Collection<DeclarativeProvider>> declared = List::of;

    public static ProviderRegistry withBuiltIns(BiFunction<String, String, String> property, String simulatorBaseUrl) {
        ProviderRegistry r = new ProviderRegistry();
        r.property = property;
        r.simulatorBaseUrl = simulatorBaseUrl;
        for (ProviderApi api : new ProviderApi[] { new OuraApi(), new WithingsApi(), new GoogleHealthApi(),
                new io.healthbridge.provider.whoop.WhoopApi(), new io.healthbridge.provider.strava.StravaApi(),
                new io.healthbridge.provider.polar.PolarApi(), new io.healthbridge.provider.garmin.GarminApi() }) {
            String p = api.provider();
            r.register(api, ProviderSettings.resolve(api, (key, def) -> property.apply(p + "." + key, def),
                    simulatorBaseUrl == null ? null : simulatorBaseUrl + "/" + p));
        }
        return r;
    }

    public void register(ProviderApi api, ProviderSettings s) {
        apis.put(api.provider(), api);
        settings.put(api.provider(), s);
    }

    /** Where providers declared in route files are found (beans of {@link DeclarativeProvider}). */
    public void setDeclared(Supplier<Collection<DeclarativeProvider>> declared) {
        this.declared = declared;
    }

    /** Registers declared providers, again when their route file was reloaded (a new bean instance). */
    private void refresh() {
        for (DeclarativeProvider d : declared.get()) {
            String p = d.getProvider();
            if (p == null || declaredFrom.get(p) == d) {
                continue;
            }
            ProviderApi api = d.api();
            register(api, ProviderSettings.resolve(api, (key, def) -> property.apply(p + "." + key, def),
                    simulatorBaseUrl == null ? null : simulatorBaseUrl + "/" + p));
            declaredFrom.put(p, d);
        }
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
