package io.healthbridge.simulator;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** The data endpoints of the simulated providers, one {@link SimulatedApi} each. */
final class SimulatedApis {

    private final Map<String, SimulatedApi> apis;

    SimulatedApis(Clock clock) {
        this.apis = Map.of("oura", new SimulatedOura(clock), "withings", new SimulatedWithings(clock),
                "fitbit", new SimulatedGoogleHealth(clock), "dexcom", new SimulatedDexcom(clock),
                "whoop", new SimulatedWhoop(clock), "strava", new SimulatedStrava(clock),
                "polar", new SimulatedPolar(clock), "garmin", new SimulatedGarmin(clock));
    }

    /** The answer of {@code provider}'s API to a data request, or null for an unknown provider or path. */
    JsonNode answer(String provider, String path, Map<String, String> p, String user) {
        SimulatedApi api = apis.get(provider);
        return api == null ? null : api.answer(path, p, user);
    }
}
