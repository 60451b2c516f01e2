package io.healthbridge.phone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.event.Invariants;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.http.ApiError;
import io.healthbridge.provider.MappedRecord;
import io.healthbridge.security.DeviceTokens;
import org.apache.camel.Exchange;

/** What every companion app's push shares: its device token, and an answer that accounts for each record. */
final class PhoneBatches {

    private PhoneBatches() {
    }

    /** The user whose device token the request carries; otherwise answers 401 and gives empty. */
    static Optional<String> user(Exchange exchange, DeviceTokens tokens) throws Exception {
        String auth = exchange.getIn().getHeader("Authorization", String.class);
        Optional<String> user = auth != null && auth.startsWith("Bearer ")
                ? tokens.userOf(auth.substring(7).trim()) : Optional.empty();
        if (user.isEmpty()) {
            ApiError.respond(exchange, 401, "AUTH_001", "a device token is required (Authorization: Bearer hbd_…)",
                    null);
        }
        return user;
    }

    /**
     * The records the publish path refuses (mapping, schema, invariants: the same checks, so the answer names the
     * record its dead letter holds), each with its index in the batch and the reason.
     */
    static List<Map<String, Object>> rejected(List<MappedRecord> mapped, SchemaRegistry schemas) {
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (int i = 0; i < mapped.size(); i++) {
            String reason = mapped.get(i).error() != null ? mapped.get(i).error()
                    : invalid(mapped.get(i).events(), schemas);
            if (reason != null) {
                rejected.add(Map.of("index", i, "reason", reason));
            }
        }
        return rejected;
    }

    private static String invalid(List<CanonicalEvent> events, SchemaRegistry schemas) {
        for (CanonicalEvent e : events) {
            List<String> errors = schemas.validate(e);
            if (!errors.isEmpty()) {
                return String.join("; ", errors);
            }
            List<Invariants.Violation> broken = Invariants.check(e);
            if (!broken.isEmpty()) {
                return String.join("; ", broken.stream().map(Invariants.Violation::toString).toList());
            }
        }
        return null;
    }

    /** The publish path's counts in an answer. */
    static void putSummary(Map<String, Object> answer, IngestSummary summary) {
        answer.put("published", summary == null ? 0 : summary.published());
        answer.put("duplicates", summary == null ? 0 : summary.duplicates());
        answer.put("dead_lettered", summary == null ? 0 : summary.deadLettered());
        answer.put("skipped", summary == null ? Map.of() : summary.skippedByReason());
    }
}
