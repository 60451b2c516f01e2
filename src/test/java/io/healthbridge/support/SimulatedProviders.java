package io.healthbridge.support;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.simulator.ProviderSimulator;

/** The runtime with the provider simulator on a free port, demo users linked, and fast polls and breakers. */
public final class SimulatedProviders {

    private SimulatedProviders() {
    }

    public static Properties settings(String demoUsers) {
        Properties p = new Properties();
        p.setProperty("healthbridge.simulator.enabled", "true");
        p.setProperty("healthbridge.simulator.port", "0");
        p.setProperty("healthbridge.demo.users", demoUsers);
        for (String provider : List.of("oura", "withings", "fitbit", "whoop", "strava", "polar", "garmin")) {
            String k = "healthbridge.providers." + provider + ".";
            p.setProperty(k + "breaker.minimum-calls", "3");
            p.setProperty(k + "breaker.open-ms", "1500");
            p.setProperty(k + "retry.max-attempts", "3");
            p.setProperty(k + "retry.initial-backoff-ms", "50");
            p.setProperty(k + "retry.max-backoff-ms", "2000");
            p.setProperty(k + "timeout-ms", "3000");
            p.setProperty(k + "quota.max-wait-ms", "3000");
            p.setProperty(k + "initial-lookback-days", "3");
        }
        // Strava's app quota is 100 a quarter hour in windows at :00/:15/:30/:45, and a runtime started late in one
        // gets only that window's remaining share (adaptive initial tokens): near :14:50 that is two requests, while
        // a sync takes one per page and one per activity for its streams. Tests start at any time: a minute window.
        p.setProperty("healthbridge.providers.strava.app-quota", "1000/1m");
        return p;
    }

    /** A provider-poll route file for {@code provider}. */
    public static String pollRoute(String provider, String datasets, long periodMillis, String appQuota, String userQuota) {
        return """
                - templatedRoute:
                    routeTemplateRef: provider-poll
                    routeId: %s-poll
                    parameters:
                      - name: provider
                        value: %s
                      - name: datasets
                        value: %s
                      - name: period
                        value: "%d"
                      - name: initialDelay
                        value: "200"
                      - name: appQuota
                        value: "%s"
                      - name: userQuota
                        value: "%s"
                """.formatted(provider, provider, datasets, periodMillis, appQuota, userQuota);
    }

    public static ProviderSimulator simulator(RunningHealthbridge hb) {
        return hb.runtime().context().getRegistry().lookupByNameAndType("providerSimulator", ProviderSimulator.class);
    }

    /** Event types published for a provider so far. */
    public static java.util.Set<String> typesOf(RunningHealthbridge hb, String provider) throws Exception {
        java.util.Set<String> types = new java.util.TreeSet<>();
        long after = 0;
        while (true) {
            JsonNode page = hb.getJson("/api/v1/events?provider=" + provider + "&limit=500&after_seq=" + after);
            for (JsonNode e : page.get("events")) {
                types.add(e.get("event").get("type").asText());
            }
            if (page.get("events").size() < 500) {
                return types;
            }
            after = page.get("next_after_seq").asLong();
        }
    }

    public static double metric(RunningHealthbridge hb, String name, String... labels) throws Exception {
        double total = 0;
        boolean found = false;
        for (String line : hb.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? total : -1;
    }

    public static Path write(RunningHealthbridge hb, String file, String content) throws Exception {
        return hb.writeRoute(file, content);
    }
}
