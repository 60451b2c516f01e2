package io.healthbridge.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventJson;

/** One simulated provider's data endpoints, rendering {@link SyntheticData} in that provider's shapes. */
abstract class SimulatedApi {

    /** Page sizes are small on purpose, so every sync exercises pagination. */
    static final int PAGE = 50;

    protected final Clock clock;

    SimulatedApi(Clock clock) {
        this.clock = clock;
    }

    /** The answer to a data request, or null for a path the provider does not have. */
    abstract JsonNode answer(String path, Map<String, String> p, String user);

    Instant now() {
        return clock.instant();
    }

    static boolean in(Instant t, Instant from, Instant to) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    static JsonNode page(List<ObjectNode> items, String token, String field, String nextField) {
        return page(items, token, field, nextField, PAGE);
    }

    static JsonNode page(List<ObjectNode> items, String token, String field, String nextField, int size) {
        int offset = token == null || token.isBlank() ? 0
                : Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        ObjectNode out = EventJson.object();
        ArrayNode arr = out.putArray(field);
        items.stream().skip(offset).limit(size).forEach(arr::add);
        if (offset + size < items.size()) {
            out.put(nextField, Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(String.valueOf(offset + size).getBytes(StandardCharsets.UTF_8)));
        } else {
            out.putNull(nextField);
        }
        return out;
    }

    static String local(Instant t) {
        return OffsetDateTime.ofInstant(t, SyntheticData.OFFSET).toString();
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
