package io.healthbridge.reload;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP routes of route files get the built-in API's guard: a credential on every path (read keys GET, admins
 * everything), failures in the error format; a route opts out of the check by naming {@code healthbridge-public}.
 */
class RouteFileHttpGuardTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static String readKey;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        readKey = EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"reader\",\"scopes\":[\"read\"]}"))).body())
                .get("key").asText();
        JsonNode guarded = hb.writeRouteAndWait("guarded.camel.yaml", """
                - rest:
                    path: /team
                    get:
                      - path: /hello
                        to: direct:team-hello
                    post:
                      - path: /hello
                        to: direct:team-hello-post
                - route:
                    id: team-hello
                    from:
                      uri: direct:team-hello
                      steps:
                        - setBody:
                            constant: hello
                - route:
                    id: team-hello-post
                    from:
                      uri: direct:team-hello-post
                      steps:
                        - setBody:
                            constant: posted
                - route:
                    id: team-plain
                    from:
                      uri: platform-http:/team/plain
                      steps:
                        - setBody:
                            constant: plain
                - route:
                    id: team-broken
                    from:
                      uri: platform-http:/team/broken
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: secret-detail-42
                """);
        assertThat(guarded.path("result").asText()).as(guarded.toString()).isEqualTo("ok");
        hb.writeRouteAndWait("open.camel.yaml", """
                - route:
                    id: team-open
                    routeConfigurationId: healthbridge-public
                    from:
                      uri: platform-http:/team/open
                      steps:
                        - setBody:
                            constant: open
                """);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static HttpResponse<String> call(String method, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hb.uri(path)).method(method,
                method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRestRouteOfAFileAsksForACredential() throws Exception {
        HttpResponse<String> none = call("GET", "/team/hello", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(EventJson.read(none.body()).at("/error/code").asText()).isEqualTo("AUTH_001");
        assertThat(call("GET", "/team/hello", "hbk_not-a-key").statusCode()).isEqualTo(401);
        HttpResponse<String> read = call("GET", "/team/hello", readKey);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("hello");
    }

    @Test
    void aReadKeyMayNotWriteThroughAFileRoute() throws Exception {
        assertThat(call("POST", "/team/hello", readKey).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/team/hello", RunningHealthbridge.ADMIN_KEY).body()).isEqualTo("posted");
    }

    @Test
    void aPlatformHttpRouteOfAFileAsksForACredential() throws Exception {
        assertThat(call("GET", "/team/plain", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/team/plain", readKey).body()).isEqualTo("plain");
    }

    @Test
    void aFailingFileRouteAnswersInTheErrorFormatWithoutTheExceptionText() throws Exception {
        HttpResponse<String> r = call("GET", "/team/broken", readKey);
        assertThat(r.statusCode()).isEqualTo(500);
        JsonNode body = EventJson.read(r.body());
        assertThat(body.at("/error/code").asText()).isEqualTo("SYS_001");
        assertThat(body.get("request_id").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("secret-detail-42").doesNotContain("IllegalStateException");
    }

    @Test
    void aRouteNamingThePublicConfigurationAnswersAnyone() throws Exception {
        HttpResponse<String> r = call("GET", "/team/open", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("open");
    }
}
