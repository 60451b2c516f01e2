package io.healthbridge.phone;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import io.healthbridge.provider.MappedRecord;
import io.healthbridge.provider.applehealth.AppleHealthMapper;
import io.healthbridge.security.DeviceTokens;
import io.healthbridge.store.ErasureGate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * {@code POST /ingest/apple-health}: what the iOS apps people already use send (contract {@code apple-health.md} §5),
 * told apart by shape: the Open Wearables SDK's sync request ({@code provider} and {@code data.records/sleep/workouts})
 * and Health Auto Export's REST automation ({@code data.metrics/workouts}). The device token decides whose data it
 * is. Like the Health Connect push: published through {@code direct:ingest} (events and dead letters in one
 * transaction) before the {@code 202}, each refused record listed with its index and reason, a batch sent again
 * harmless (the same samples are the same events).
 */
public class AppleHealthIngest {

    private final DeviceTokens tokens;
    private final ProducerTemplate producer;
    private final Clock clock;
    private final SchemaRegistry schemas;
    private final AppleHealthMapper mapper = new AppleHealthMapper();

    public AppleHealthIngest(DeviceTokens tokens, SchemaRegistry schemas, ProducerTemplate producer, Clock clock) {
        this.tokens = tokens;
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
        String shape = AppleHealthMapper.shapeOf(body);
        if (shape == null) {
            ApiError.invalid(exchange, body == null ? "the body is not a JSON object"
                    : "not a shape this endpoint reads: an Open Wearables sync request ({\"provider\": \"apple\", "
                      + "\"data\": {\"records\", \"sleep\", \"workouts\"}}) or a Health Auto Export body "
                      + "({\"data\": {\"metrics\", \"workouts\"}})", null);
            return;
        }
        if (AppleHealthMapper.SYNC.equals(shape) && !"apple".equals(body.path("provider").asText())) {
            ApiError.invalid(exchange, "provider '" + body.path("provider").asText() + "' is not Apple Health: "
                                       + "Android data comes through POST /ingest/health-connect", null);
            return;
        }
        long began = ErasureGate.startedAgo(exchange.getClock().elapsed());
        Json.respond(exchange, 202, ingest(user.get(), shape, body, began));
    }

    /**
     * Publishes a body of a known shape as {@code user}'s data and answers what became of each record; the request
     * {@code began} when its token was checked ({@link ErasureGate}).
     */
    Map<String, Object> ingest(String user, String shape, JsonNode body, long began) {
        List<MappedRecord> mapped = mapper.map(shape, body, new MappingContext(AppleHealthMapper.PROVIDER, user, null,
                clock.instant(), ZoneOffset.UTC));
        List<Map<String, Object>> rejected = PhoneBatches.rejected(mapped, schemas);
        IngestSummary summary = producer.requestBodyAndHeaders("direct:ingest", EventJson.write(body),
                Map.of(HealthbridgeHeaders.PROVIDER, AppleHealthMapper.PROVIDER, HealthbridgeHeaders.DATASET, shape,
                        HealthbridgeHeaders.USER_ID, user, HealthbridgeHeaders.WORK_BEGAN, began), IngestSummary.class);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("format", AppleHealthMapper.SYNC.equals(shape) ? "open-wearables-sync" : "health-auto-export");
        answer.put("records", mapped.size());
        answer.put("accepted", mapped.size() - rejected.size());
        answer.put("rejected", rejected);
        PhoneBatches.putSummary(answer, summary);
        return answer;
    }
}
