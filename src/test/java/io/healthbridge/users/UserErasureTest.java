package io.healthbridge.users;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.auth.ConnectFlow;
import io.healthbridge.event.EventJson;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code DELETE /api/v1/users/{id}}: afterwards no row of any table of the schema holds the user's id or data (the
 * schema is walked, so a new table is caught), webhook filters no longer name the user, downstream systems receive
 * {@code healthbridge.user.erased}, and another user's data is untouched.
 */
class UserErasureTest {

    /** Tables erasure covers, and tables that hold no user's data; a table in neither fails the test. */
    static final Set<String> USER_TABLES = Set.of("events", "dead_letters", "connections", "sync_cursors", "oauth_states",
            "webhook_deliveries", "webhook_attempts", "inbound_notifications", "backfills", "audit_log",
            "webhook_endpoints", "user_keys", "device_tokens", "imports", "source_priorities", "reconcile_pending",
            "event_streams");
    static final Set<String> OTHER_TABLES = Set.of("camel_messageprocessed", "outbox_cursors", "api_keys",
            "runtime_settings", "route_holds", "operators", "operator_sessions", "integrations", "push_signatures",
            "leadership", "quota_buckets", "flyway_schema_history", "backfill_chunks",
            // written by the erasure itself: when a person was erased, under a digest of the id, for a day
            "erasure_marks");

    static final String USER = "erin-7q";
    static final String OTHER = "kept-3z";

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static HttpServer receiver;
    static final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    static String onlyErin;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/hook", ex -> {
            delivered.add(EventJson.read(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Properties p = SimulatedProviders.settings(USER + "," + OTHER);
        p.setProperty("healthbridge.push.poll-interval-ms", "200");
        p.setProperty("healthbridge.webhooks.allowed-targets", "127.0.0.1");
        hb = RunningHealthbridge.start(work, p);
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        onlyErin = EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest
                .BodyPublishers.ofString("{\"url\":\"" + hook + "\",\"event_types\":[\"health.*\"],\"user_ids\":[\""
                                         + USER + "\"]}"))).body()).get("id").asText();
        hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/webhooks")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"url\":\"" + hook + "\",\"event_types\":[\"healthbridge.user.*\"]}")));
        await().atMost(Duration.ofSeconds(20)).until(() -> hb.getJson("/api/v1/connections?user=" + OTHER)
                .get("connections").size() == 7);
        for (String user : List.of(USER, OTHER)) {
            give(user);
        }
        // everything a user can leave behind is there before the erasure
        await().atMost(Duration.ofSeconds(30)).until(() -> hb.count("SELECT COUNT(*) FROM webhook_deliveries") > 0
                && hb.count("SELECT COUNT(*) FROM inbound_notifications WHERE status = 'processed'") >= 4
                && hb.count("SELECT COUNT(*) FROM backfills") >= 2);
        // and what the reconciler makes of it: the rows counted before and after the erasure are all there
        hb.awaitReconciled();
    }

    /** Data of every kind for the user: pushes fetched, a dead letter, a backfill, a pending authorization. */
    static void give(String user) throws Exception {
        String body = "{\"event_type\":\"create\",\"data_type\":\"sleep\",\"object_id\":\"o-1\",\"user_id\":\"" + user
                      + "\"}";
        long ts = Instant.now().getEpochSecond();
        String sig = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac("healthbridge-sim-secret",
                (ts + body).getBytes(StandardCharsets.UTF_8)));
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/oura/webhook")).header("x-oura-timestamp",
                String.valueOf(ts)).header("x-oura-signature", sig).POST(HttpRequest.BodyPublishers.ofString(body)))
                .statusCode()).isEqualTo(200);
        String withings = "userid=" + user + "&appli=1&startdate=" + (ts - 86400) + "&enddate=" + ts;
        hb.send(HttpRequest.newBuilder(hb.uri("/providers/withings/webhook"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(withings)));
        hb.runtime().context().createProducerTemplate().requestBodyAndHeaders("direct:ingest", "{not json " + user,
                Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, "sleep",
                        HealthbridgeHeaders.USER_ID, user));
        String connection = hb.getJson("/api/v1/connections?user=" + user + "&provider=oura").get("connections").get(0)
                .get("id").asText();
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connections/" + connection + "/backfill"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + Instant.now().minus(Duration.ofDays(2))
                        + "\",\"to\":\"" + Instant.now() + "\",\"datasets\":[\"workout\"]}"))).statusCode()).isEqualTo(202);
        hb.runtime().context().getRegistry().lookupByNameAndType("connectFlow", ConnectFlow.class).start("polar", user);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/device-tokens"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        hb.close();
        receiver.stop(0);
    }



    /** Every table of the schema with its character columns. */
    static Map<String, List<String>> textColumns() throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = hb.store().getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getColumns(null, "PUBLIC", "%", "%")) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME");
                    out.computeIfAbsent(table, t -> new ArrayList<>());
                    int type = rs.getInt("DATA_TYPE");
                    if (type == Types.VARCHAR || type == Types.CLOB || type == Types.CHAR || type == Types.LONGVARCHAR
                        || type == Types.NVARCHAR || type == Types.NCLOB) {
                        out.get(table).add(rs.getString("COLUMN_NAME"));
                    }
                }
            }
        }
        return out;
    }

    /** Rows of each table with a character column holding {@code text}; the erasure notice itself excepted. */
    static Map<String, Long> rowsHolding(String text) throws Exception {
        Map<String, Long> found = new TreeMap<>();
        for (var t : textColumns().entrySet()) {
            if (t.getValue().isEmpty()) {
                continue;
            }
            StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM \"" + t.getKey() + "\" WHERE (");
            for (int i = 0; i < t.getValue().size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("CAST(\"").append(t.getValue().get(i))
                        .append("\" AS VARCHAR) LIKE '%").append(text).append("%'");
            }
            sql.append(")");
            if (t.getKey().equalsIgnoreCase("events")) {
                sql.append(" AND type <> 'healthbridge.user.erased'");
            }
            long n = hb.count(sql.toString());
            if (n > 0) {
                found.put(t.getKey().toLowerCase(Locale.ROOT), n);
            }
        }
        return found;
    }

    @Test
    void usersAreListedWithTheirConnectionsAndTheDataHeld() throws Exception {
        JsonNode list = hb.getJson("/api/v1/users?limit=50");
        JsonNode other = null;
        for (JsonNode u : list.get("users")) {
            if (OTHER.equals(u.get("user_id").asText())) {
                other = u;
            }
        }
        assertThat(other).as(list.toString()).isNotNull();
        assertThat(other.get("connections").asInt()).isEqualTo(7);
        assertThat(other.get("active_connections").asInt()).isEqualTo(7);
        assertThat(hb.getJson("/api/v1/users?limit=1&offset=1").get("users")).hasSize(1);
        assertThat(hb.get("/api/v1/users?limit=0").statusCode()).isEqualTo(400);

        JsonNode detail = hb.getJson("/api/v1/users/" + OTHER);
        assertThat(detail.get("connections")).hasSize(7);
        assertThat(detail.get("connections").toString()).doesNotContain("access_token").doesNotContain("refresh_token");
        long sum = 0;
        for (JsonNode t : detail.get("data")) {
            assertThat(t.get("count").asLong()).isPositive();
            assertThat(Instant.parse(t.get("first_event_at").asText())).isBeforeOrEqualTo(
                    Instant.parse(t.get("last_event_at").asText()));
            sum += t.get("count").asLong();
        }
        assertThat(detail.get("data").findValuesAsText("type")).contains("health.sleep_session");
        assertThat(detail.get("events").asLong()).isEqualTo(sum).isEqualTo(hb.count(
                "SELECT COUNT(*) FROM events WHERE subject = ?", OTHER));
        assertThat(hb.get("/api/v1/users/nobody-here").statusCode()).isEqualTo(404);
    }

    @Test
    void everyTableIsKnownToHoldUserDataOrNot() throws Exception {
        Set<String> unknown = new TreeSet<>();
        textColumns().keySet().forEach(t -> unknown.add(t.toLowerCase(Locale.ROOT)));
        unknown.removeAll(USER_TABLES);
        unknown.removeAll(OTHER_TABLES);
        assertThat(unknown).as("tables erasure has not been told about: cover them in UserData.erase, then list them "
                               + "here").isEmpty();
    }

    @Test
    void afterTheErasureNoRowHoldsTheUserAndTheOtherUserKeepsEverything() throws Exception {
        Map<String, Long> before = rowsHolding(USER);
        assertThat(before).containsKeys("events", "connections", "dead_letters", "inbound_notifications",
                "oauth_states", "webhook_endpoints", "device_tokens");
        Map<String, Long> otherBefore = rowsHolding(OTHER);
        JsonNode otherUser = hb.getJson("/api/v1/users/" + OTHER);

        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + USER)).DELETE());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode receipt = EventJson.read(r.body());
        assertThat(receipt.at("/rows/events").asLong()).isPositive();
        assertThat(receipt.at("/rows/connections").asLong()).isEqualTo(7);
        assertThat(receipt.at("/rows/backfills").asLong()).isPositive();
        assertThat(receipt.at("/rows/dead_letters").asLong()).isPositive();
        assertThat(receipt.at("/rows/oauth_states").asLong()).isEqualTo(1);
        assertThat(receipt.get("connections")).hasSize(7);
        assertThat(receipt.get("webhook_filters_changed").asInt()).isEqualTo(1);

        // the erasure notice reaches downstream consumers, with no health data
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered.stream()
                .anyMatch(e -> "healthbridge.user.erased".equals(e.path("type").asText())));
        JsonNode notice = delivered.stream().filter(e -> "healthbridge.user.erased".equals(e.path("type").asText()))
                .findFirst().orElseThrow();
        assertThat(notice.get("subject").asText()).isEqualTo(USER);
        assertThat(notice.at("/data/rows/events").asLong()).isEqualTo(receipt.at("/rows/events").asLong());
        assertThat(notice.get("data").has("value")).isFalse();

        // nothing holds the id any more (the id is also the simulator's provider user id)
        await().atMost(Duration.ofSeconds(10)).until(() -> rowsHolding(USER).isEmpty());
        assertThat(hb.get("/api/v1/users/" + USER).statusCode()).isEqualTo(404);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + USER)).DELETE()).statusCode()).isEqualTo(404);
        JsonNode filter = hb.getJson("/api/v1/webhooks/" + onlyErin);
        assertThat(filter.get("enabled").asBoolean()).isFalse();
        assertThat(filter.get("user_ids").toString()).doesNotContain(USER);
        JsonNode audit = hb.getJson("/api/v1/audit?action=api-users-erase").get("entries");
        assertThat(audit).hasSize(2); // the erasure, and the one asked again that found nothing
        audit.forEach(a -> assertThat(a.get("target").asText()).contains(Erasure.pseudonym(USER)).doesNotContain(USER));

        assertThat(rowsHolding(OTHER)).isEqualTo(otherBefore);
        assertThat(hb.getJson("/api/v1/users/" + OTHER).get("events")).isEqualTo(otherUser.get("events"));
    }
}
