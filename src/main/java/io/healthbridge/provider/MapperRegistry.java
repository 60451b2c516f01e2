package io.healthbridge.provider;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.healthbridge.provider.applehealth.AppleHealthMapper;
import io.healthbridge.provider.declarative.DeclarativeProvider;
import io.healthbridge.provider.declarative.DeclaredProviders;
import io.healthbridge.provider.fitbit.FitbitMapper;
import io.healthbridge.provider.garmin.GarminMapper;
import io.healthbridge.provider.healthconnect.HealthConnectMapper;
import io.healthbridge.provider.oura.OuraMapper;
import io.healthbridge.provider.polar.PolarMapper;
import io.healthbridge.provider.strava.StravaMapper;
import io.healthbridge.provider.whoop.WhoopMapper;
import io.healthbridge.provider.withings.WithingsMapper;

/** The mapper of each provider, by provider id. */
public class MapperRegistry {

    private final Map<String, ProviderMapper> mappers = new ConcurrentHashMap<>();
    private Supplier<Collection<DeclarativeProvider>> declared =
            List::of;

    /** Where providers declared in route files are found; their mappers are used when no Java mapper exists. */
    public void setDeclared(Supplier<Collection<DeclarativeProvider>> d) {
        this.declared = d;
    }

    public static MapperRegistry withBuiltIns() {
        MapperRegistry r = new MapperRegistry();
        for (ProviderMapper m : new ProviderMapper[] { new OuraMapper(), new WithingsMapper(), new GarminMapper(),
                new PolarMapper(), new WhoopMapper(), new StravaMapper(), new FitbitMapper(), new HealthConnectMapper(),
                new AppleHealthMapper() }) {
            r.register(m);
        }
        return r;
    }

    public void register(ProviderMapper mapper) {
        mappers.put(mapper.provider(), mapper);
    }

    public Optional<ProviderMapper> get(String provider) {
        ProviderMapper m = mappers.get(provider);
        if (m != null) {
            return Optional.of(m);
        }
        List<DeclarativeProvider> beans = declared.get().stream().filter(d -> provider.equals(d.getProvider()))
                .toList();
        return beans.isEmpty() ? Optional.empty() : Optional.of(DeclaredProviders.mapper(beans));
    }

    public Collection<ProviderMapper> all() {
        return mappers.values();
    }
}
