package io.healthbridge.api;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.DataType;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/v1/schemas and /api/v1/events, FHIR on request, and the error format for what is not there. */
class SchemaApiTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        // Dexcom is a declarative provider: it exists through its route file
        java.nio.file.Files.createDirectories(work.resolve("routes"));
        java.nio.file.Files.copy(Path.of("routes/providers/dexcom.camel.yaml"), work.resolve("routes/dexcom.camel.yaml"));
        hb = RunningHealthbridge.start(work);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    @Test
    void listsEverySchemaAndServesEach() throws Exception {
        JsonNode list = hb.getJson("/api/v1/schemas").get("schemas");
        assertThat(list).hasSize(DataType.values().length);
        JsonNode hr = hb.getJson("/api/v1/schemas/heart_rate");
        assertThat(hr.get("$schema").asText()).contains("2020-12");
        assertThat(hr.get("$id").asText()).endsWith("/heart_rate.json");
        assertThat(hb.getJson("/api/v1/schemas/health.sleep_session").get("title").asText()).isEqualTo("health.sleep_session");
        assertThat(hb.getJson("/api/v1/schemas/common").has("$defs")).isTrue();
    }

    @Test
    void unknownSchemaIs404InTheErrorFormat() throws Exception {
        HttpResponse<String> r = hb.get("/api/v1/schemas/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode body = hb.getJson("/api/v1/schemas/nope");
        assertThat(body.get("error").get("code").asText()).isEqualTo("RES_001");
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(r.headers().firstValue("X-Request-ID")).isPresent();
    }

    @Test
    void badPagingIs400() throws Exception {
        HttpResponse<String> r = hb.get("/api/v1/events?limit=abc");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("VAL_001").contains("limit");
    }

    @Test
    void anEventIsServedAsCloudEventsOrFhir() throws Exception {
        String payload = "{\"records\":[{\"recordId\":\"r1\",\"systemTime\":\"2026-11-20T06:00:00Z\","
                         + "\"displayTime\":\"2026-11-19T22:00:00-08:00\",\"value\":6.1,\"unit\":\"mmol/L\",\"trend\":\"flat\"}]}";
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", payload, Map.of(
                HealthbridgeHeaders.PROVIDER, "dexcom", HealthbridgeHeaders.DATASET, "egvs",
                HealthbridgeHeaders.USER_ID, "u7"));
        JsonNode event = hb.getJson("/api/v1/events?provider=dexcom&user=u7").get("events").get(0).get("event");
        String id = event.get("id").asText();
        assertThat(event.get("data").get("value").get("value").decimalValue()).isEqualByComparingTo("109.895");
        assertThat(event.get("data").get("value").get("unit").asText()).isEqualTo("mg/dL");

        HttpResponse<String> ce = hb.get("/api/v1/events/" + id);
        assertThat(ce.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("cloudevents"));
        JsonNode fhir = hb.getJson("/api/v1/events/" + id + "?format=fhir");
        assertThat(fhir.get("resourceType").asText()).isEqualTo("Observation");
        assertThat(fhir.get("code").get("coding").get(0).get("code").asText()).isEqualTo("2339-0");
        assertThat(hb.get("/api/v1/events/missing").statusCode()).isEqualTo(404);
    }

    @Test
    void theNewestEventsComeFirstWithOrderDesc() throws Exception {
        glucose("newest", "n", "2026-11-21", "2026-11-20", 5, 100);
        JsonNode all = hb.getJson("/api/v1/events?user=newest&limit=100").get("events");
        assertThat(all).hasSize(5);
        JsonNode latest = hb.getJson("/api/v1/events?user=newest&order=desc&limit=2");
        assertThat(latest.get("events")).extracting(e -> e.get("seq").asLong())
                .containsExactly(all.get(4).get("seq").asLong(), all.get(3).get("seq").asLong());
        assertThat(latest.get("next_after_seq").asLong()).isEqualTo(all.get(4).get("seq").asLong());
        assertThat(hb.getJson("/api/v1/events?order=desc&limit=1").get("events").get(0).get("seq").asLong())
                .isGreaterThanOrEqualTo(all.get(4).get("seq").asLong());
        HttpResponse<String> bad = hb.get("/api/v1/events?order=sideways");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("order must be asc or desc");
    }

    @Test
    void onePersonsEventsOfATypeInATimeWindow() throws Exception {
        glucose("window", "w", "2026-11-22", "2026-11-21", 4, 110);
        // 11:00 to 13:00 at -08:00 holds the readings of 11:00 and 12:00, in time order
        JsonNode in = hb.getJson("/api/v1/events?user=window&type=health.blood_glucose"
                + "&from=2026-11-21T11:00:00-08:00&to=2026-11-21T13:00:00-08:00");
        assertThat(in.get("events")).extracting(e -> e.get("event").get("data").get("value").get("value").asInt())
                .containsExactly(111, 112);
        assertThat(in.get("truncated").asBoolean()).isFalse();
        assertThat(hb.getJson("/api/v1/events?user=window&type=health.blood_glucose&limit=1"
                + "&from=2026-11-21T00:00:00-08:00&to=2026-11-22T00:00:00-08:00").get("truncated").asBoolean()).isTrue();
        assertThat(hb.get("/api/v1/events?type=health.blood_glucose&from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z")
                .statusCode()).isEqualTo(400);
        assertThat(hb.get("/api/v1/events?user=window&type=health.blood_glucose&from=2026-11-01T00:00:00Z"
                + "&to=2026-11-22T00:00:00Z").statusCode()).isEqualTo(400);
        assertThat(hb.get("/api/v1/events?user=window&type=health.blood_glucose&from=yesterday&to=now").statusCode())
                .isEqualTo(400);
    }

    /**
     * Publishes {@code n} Dexcom glucose readings of a user, hourly from 10:00 at -08:00 on {@code displayDay} (system
     * time from 00:00Z on {@code systemDay}), valued {@code first}, {@code first + 1}, ...
     */
    private void glucose(String user, String idPrefix, String systemDay, String displayDay, int n, int first) {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < n; i++) {
            records.append(i == 0 ? "" : ",").append("{\"recordId\":\"").append(idPrefix).append(i)
                    .append("\",\"systemTime\":\"").append(systemDay).append("T0").append(i)
                    .append(":00:00Z\",\"displayTime\":\"").append(displayDay).append("T1").append(i)
                    .append(":00:00-08:00\",\"value\":").append(first + i).append(",\"unit\":\"mg/dL\"}");
        }
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest",
                "{\"records\":[" + records + "]}", Map.of(HealthbridgeHeaders.PROVIDER, "dexcom",
                        HealthbridgeHeaders.DATASET, "egvs", HealthbridgeHeaders.USER_ID, user));
    }
}
