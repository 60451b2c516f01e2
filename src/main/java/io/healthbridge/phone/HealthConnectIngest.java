package io.healthbridge.phone;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.MappedRecord;
import io.healthbridge.provider.healthconnect.HealthConnectMapper;
import io.healthbridge.security.DeviceTokens;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * {@code POST /ingest/health-connect}: a batch of the {@code health-connect-ingest} v0.1 format from a user's phone
 * app, authenticated by that user's device token, which decides whose data it is (nothing in the body does). The
 * records go down the publish path ({@code direct:ingest}: events and dead letters committed in one transaction), then
 * each deletion replaces the events of its record with tombstones ({@code direct:delete}); only then is the batch
 * answered {@code 202}, so what is acknowledged is durable. A record is refused on its own, never the batch: the answer
 * lists each refused record's index and reason (and it is dead-lettered with them). Sending a batch again is
 * harmless: the same records are the same events, dropped as duplicates.
 */
public class HealthConnectIngest {

    static final String FORMAT = "health-connect-ingest";
    /** Records and deletions in one batch at most: a phone app sends its changes a page at a time. */
    static final int MAX_ITEMS = 5000;
    /** Every measurement type: a Health Connect deletion names a record id and nothing else. */
    static final List<DataType> ANY_MEASUREMENT = Arrays.stream(DataType.values()).filter(DataType::isMeasurement)
            .toList();

    private final DeviceTokens tokens;
    private final ProducerTemplate producer;
    private final Clock clock;
    private final SchemaRegistry schemas;
    private final EventStore events;
    private final HealthConnectMapper mapper = new HealthConnectMapper();

    public HealthConnectIngest(DeviceTokens tokens, SchemaRegistry schemas, EventStore events, ProducerTemplate producer,
            Clock clock) {
        this.tokens = tokens;
        this.events = events;
        this.schemas = schemas;
        this.producer = producer;
        this.clock = clock;
    }

    public void handle(Exchange exchange) throws Exception {
        Optional<String> user = PhoneBatches.user(exchange, tokens);
        if (user.isEmpty()) {
            return;
        }
        JsonNode body = Json.objectBody(exchange);
        String problem = problem(body);
        if (problem != null) {
            ApiError.invalid(exchange, problem, null);
            return;
        }
        long began = ErasureGate.startedAgo(exchange.getClock().elapsed());
        Json.respond(exchange, 202, ingest(user.get(), body, began));
    }

    /**
     * Publishes a batch (already checked with {@link #problem}) as {@code user}'s data and answers what became of it:
     * the records through the publish path, then the deletions, then what the snapshots say is gone.
     */
    public Map<String, Object> ingest(String user, JsonNode body) {
        return ingest(user, body, ErasureGate.now());
    }

    /** {@link #ingest(String, JsonNode)} of a request that {@code began} when its token was checked. */
    Map<String, Object> ingest(String user, JsonNode body, long began) {
        body = markStale(user, body);
        Map<String, Object> headers = Map.of(HealthbridgeHeaders.PROVIDER, HealthConnectMapper.PROVIDER,
                HealthbridgeHeaders.DATASET, HealthConnectMapper.DATASET, HealthbridgeHeaders.USER_ID, user,
                HealthbridgeHeaders.WORK_BEGAN, began);
        List<MappedRecord> mapped = mapper.map(HealthConnectMapper.DATASET, body, new MappingContext(
                HealthConnectMapper.PROVIDER, user, null, clock.instant(), ZoneOffset.UTC));
        List<Map<String, Object>> rejected = PhoneBatches.rejected(mapped, schemas);
        // a batch of deletions alone has nothing to publish (sent on, it would be a payload without its records)
        IngestSummary summary = body.path("records").isEmpty() ? null : producer.requestBodyAndHeaders(
                "direct:ingest", EventJson.write(body), headers, IngestSummary.class);
        int deleted = 0;
        int unmatched = 0;
        for (JsonNode d : body.path("deletions")) {
            Deletion deletion = new Deletion(d.get("recordId").asText(), ANY_MEASUREMENT,
                    "health connect: DeletionChange");
            List<?> tombstones = producer.requestBodyAndHeaders("direct:delete", deletion, headers, List.class);
            if (tombstones == null || tombstones.isEmpty()) {
                unmatched++;
            } else {
                deleted++;
            }
        }
        // records held in a snapshot's window but not in the batch were deleted on the phone
        int bySnapshot = 0;
        for (Deletion d : HealthConnectSnapshots.unlisted(user, body, events)) {
            List<?> tombstones = producer.requestBodyAndHeaders("direct:delete", d, headers, List.class);
            bySnapshot += tombstones == null || tombstones.isEmpty() ? 0 : 1;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("batchId", body.get("batchId").asText());
        answer.put("accepted", mapped.size() - rejected.size());
        answer.put("rejected", rejected);
        PhoneBatches.putSummary(answer, summary);
        answer.put("deletions", Map.of("applied", deleted, "unmatched", unmatched));
        answer.put("snapshots", Map.of("deleted", bySnapshot));
        return answer;
    }

    /**
     * The batch with each record older than a version of it received in an earlier batch marked stale (skipped, never
     * published as a revision): a phone that sends an old version late must not undo a newer one.
     */
    private JsonNode markStale(String user, JsonNode body) {
        Set<String> ids = new HashSet<>();
        for (JsonNode r : body.path("records")) {
            String id = r.path("metadata").path("id").asText("");
            if (!id.isEmpty() && r.path("metadata").path("clientRecordVersion").canConvertToLong()) {
                ids.add(id);
            }
        }
        Map<String, Long> stored = ids.isEmpty() ? Map.of()
                : events.recordVersions(user, HealthConnectMapper.PROVIDER, ids);
        if (stored.isEmpty()) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        for (JsonNode r : copy.path("records")) {
            Long known = stored.get(r.path("metadata").path("id").asText(""));
            if (known != null && r.isObject() && r.path("metadata").path("clientRecordVersion").asLong() < known) {
                ((ObjectNode) r).put(HealthConnectMapper.STALE, known);
            }
        }
        return copy;
    }

    /** What is wrong with the batch as a whole, or null. */
    public static String problem(JsonNode body) {
        if (body == null) {
            return "the body is not a JSON object";
        }
        if (!FORMAT.equals(body.path("format").asText())) {
            return "format must be '" + FORMAT + "'";
        }
        if (!body.path("formatVersion").asText("").startsWith("0.1")) {
            return "formatVersion must be 0.1 (this server reads health-connect-ingest 0.1)";
        }
        String batchId = body.path("batchId").asText("");
        if (batchId.isBlank() || batchId.length() > 128 || !body.get("batchId").isTextual()) {
            return "batchId must be a string of 1 to 128 characters";
        }
        for (String list : List.of("records", "deletions")) {
            JsonNode n = body.get(list);
            if (n != null && !n.isNull() && (!n.isArray() || n.size() > MAX_ITEMS)) {
                return list + " must be an array of at most " + MAX_ITEMS;
            }
        }
        for (JsonNode d : body.path("deletions")) {
            JsonNode id = d.get("recordId");
            if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > 160) {
                return "every deletion needs a recordId (a string of at most 160 characters)";
            }
        }
        return HealthConnectSnapshots.problem(body.get("snapshots"));
    }
}
