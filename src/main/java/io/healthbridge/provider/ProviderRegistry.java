package io.healthbridge.provider;

import java.util.Collection;
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

    public static ProviderRegistry withBuiltIns(BiFunction<String, String, String> property, String simulatorBaseUrl) {
        ProviderRegistry r = new ProviderRegistry();
        for (ProviderApi api : new ProviderApi[] { new OuraApi(), new WithingsApi(), new GoogleHealthApi() }) {
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

    public Optional<ProviderApi> api(String provider) {
        return Optional.ofNullable(apis.get(provider));
    }

    public ProviderSettings settings(String provider) {
        ProviderSettings s = settings.get(provider);
        if (s == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'; known: " + apis.keySet());
        }
        return s;
    }

    public Collection<ProviderApi> all() {
        return apis.values();
    }
}
