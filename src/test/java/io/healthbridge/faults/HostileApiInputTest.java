package io.healthbridge.faults;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every writing endpoint of the management API fed malformed and hostile input: bad JSON, wrong types, huge bodies,
 * injection strings, odd unicode and path tricks. Each answer is a 4xx in the error format (never a 5xx), and nothing
 * is stored: the listings are the same before and after.
 */
@ExtendWith(Verdict.class)
class HostileApiInputTest {

    @TempDir
    Path work;

    static final List<String> HOSTILE_STRINGS = List.of("'; DROP TABLE webhook_endpoints; --", "\" OR \"1\"=\"1",
            "<script>alert(1)</script>", "../../../../etc/passwd", "${jndi:ldap://127.0.0.1/a}", "{{7*7}}",
            "\u0000\u0001\u202e", "\ud83d\ude00".repeat(1000), "x".repeat(100_000));

    static final List<String> BAD_BODIES = List.of("", "{", "[]", "null", "42", "\"text\"", "{\"a\":", "{\"a\":1}}",
            "{\"url\":{\"$ne\":null}}", "{\"url\":123,\"event_types\":\"health.*\"}", "\uFEFF{}", "{" + "\"a\":[".repeat(5000));

    record Probe(String method, String path, String body) {
    }

    @Test
    void hostileInputGetsA4xxInTheErrorFormatAndStoresNothing() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            Map<String, String> before = state(hb);
            List<Probe> probes = new ArrayList<>();
            List<String> writes = List.of("POST /api/v1/webhooks", "PUT /api/v1/webhooks/nope", "PATCH /api/v1/webhooks/nope",
                    "POST /api/v1/keys", "POST /api/v1/operators", "PUT /api/v1/operators/admin",
                    "POST /api/v1/integrations", "PATCH /api/v1/integrations/oura", "PUT /api/v1/integrations/oura",
                    "POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "POST /api/v1/admin/maintenance",
                    "POST /api/v1/connections/nope/backfill", "POST /api/v1/dead-letters/nope/replay",
                    "POST /api/v1/webhooks/nope/replay");
            for (String w : writes) {
                String[] mp = w.split(" ");
                for (String body : BAD_BODIES) {
                    probes.add(new Probe(mp[0], mp[1], body));
                }
                for (String s : HOSTILE_STRINGS) {
                    String q = EventJson.MAPPER.writeValueAsString(s);
                    probes.add(new Probe(mp[0], mp[1], "{\"url\":" + q + ",\"event_types\":[" + q + "],\"name\":" + q
                            + ",\"scopes\":[" + q + "],\"username\":" + q + ",\"password\":" + q + ",\"role\":" + q
                            + ",\"provider\":" + q + ",\"base_url\":" + q + ",\"enabled\":" + q + ",\"from\":" + q
                            + ",\"refresh_token\":" + q + ",\"reason\":" + q + "}"));
                    probes.add(new Probe(mp[0], mp[1], "{\"url\":\"http://127.0.0.1/x\",\"event_types\":[\"health.*\"],"
                            + "\"user_ids\":" + q + ",\"quotas\":{\"app\":" + q + "},\"limit\":" + q + ",\"page_size\":-1e400}"));
                }
                // 20 MiB: over the 16 MiB body limit
                probes.add(new Probe(mp[0], mp[1], "{\"url\":\"" + "a".repeat(20 * 1024 * 1024) + "\"}"));
            }
            // query strings and path segments under the HTTP server's 4 KiB request-line limit (longer: next check)
            for (String s : HOSTILE_STRINGS.subList(0, 7)) {
                String enc = java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
                probes.add(new Probe("GET", "/api/v1/events?limit=" + enc + "&after_seq=" + enc + "&type=" + enc, null));
                probes.add(new Probe("GET", "/api/v1/webhooks/" + enc, null));
                probes.add(new Probe("DELETE", "/api/v1/keys/" + enc, null));
                probes.add(new Probe("GET", "/api/v1/integrations/" + enc, null));
                probes.add(new Probe("GET", "/api/v1/dead-letters?limit=-5&offset=" + enc, null));
            }
            Map<Integer, Integer> statuses = new LinkedHashMap<>();
            List<String> bad = new ArrayList<>();
            for (Probe p : probes) {
                HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri(p.path())).header("Content-Type", "application/json")
                        .method(p.method(), p.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(p.body()));
                HttpResponse<String> r = hb.send(b);
                statuses.merge(r.statusCode(), 1, Integer::sum);
                String why = problem(r);
                if (why != null) {
                    bad.add(p.method() + " " + abbreviate(p.path()) + " " + abbreviate(p.body()) + " -> " + r.statusCode() + " "
                            + abbreviate(r.body()) + ": " + why);
                }
            }
            // a request line over 4 KiB is refused by the HTTP server before any route sees it: 414, its own body
            HttpResponse<String> longUri = hb.get("/api/v1/events?type=" + "a".repeat(10_000));
            assertThat(longUri.statusCode()).isEqualTo(414);
            Map<String, String> after = state(hb);
            Verdict.figures("%d hostile requests on %d endpoints, statuses %s, %d not 4xx in the error format, "
                            + "stored state %s", probes.size(), writes.size() + 5, statuses, bad.size(),
                    before.equals(after) ? "unchanged" : "CHANGED");
            assertThat(bad).as("answers that are not a 4xx in the error format").isEmpty();
            assertThat(after).as("stored state").isEqualTo(before);
            assertThat(hb.get("/health").statusCode()).isEqualTo(200);
        }
    }

    static String problem(HttpResponse<String> r) {
        if (r.statusCode() < 400 || r.statusCode() >= 500) {
            return "not a 4xx";
        }
        try {
            JsonNode error = EventJson.read(r.body()).path("error");
            if (!error.path("code").isTextual() || !error.path("message").isTextual()) {
                return "no error code and message";
            }
        } catch (RuntimeException e) {
            return "body is not JSON";
        }
        return null;
    }

    static Map<String, String> state(RunningHealthbridge hb) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        for (String path : List.of("/api/v1/webhooks", "/api/v1/keys", "/api/v1/operators", "/api/v1/integrations",
                "/api/v1/events?limit=500", "/api/v1/dead-letters?limit=500", "/api/v1/admin/maintenance", "/api/v1/connections")) {
            s.put(path, hb.get(path).body().replaceAll("\"(last_used_at|checked_at|now|uptime[a-z_]*)\":\"?[^,}\"]*\"?", ""));
        }
        return s;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 80 ? s.substring(0, 80) + "...(" + s.length() + " chars)" : s;
    }
}
