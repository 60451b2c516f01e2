package io.healthbridge.reconcile;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The source of a canonical event, as priorities name it: the provider, and for a phone store what wrote the record
 * there: {@code apple_health:watch} and {@code apple_health:phone} (Apple's own devices), {@code apple_health:Sleep
 * Cycle} (another app), {@code health_connect:com.sec.android.app.shealth} (Samsung Health).
 */
final class Sources {

    private Sources() {
    }

    static String of(JsonNode data) {
        String provider = data.path("provider").asText("");
        JsonNode p = data.path("provenance");
        String app = p.path("source_app").asText("");
        if ("apple_health".equals(provider)) {
            String device = p.path("device").path("type").asText("");
            String what = "watch".equals(device) || "phone".equals(device) ? device : app;
            return what.isEmpty() ? provider : provider + ":" + what;
        }
        return app.isEmpty() ? provider : provider + ":" + app;
    }
}
