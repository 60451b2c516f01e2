package io.healthbridge.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The OAuth connect flow over HTTP, as a browser follows it: start, consent, callback, revoke. */
class ConnectFlowTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work, SimulatedProviders.settings(""));
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return NO_REDIRECTS.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed connect link, as an operator gets one for a user. */
    static URI link(String provider, String user) throws Exception {
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connect-links"))
                .header("Authorization", "Bearer " + RunningHealthbridge.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"provider\":\"" + provider + "\"}")));
        assertThat(r.statusCode()).isEqualTo(201);
        return URI.create(io.healthbridge.event.EventJson.read(r.body()).get("url").asText());
    }

    /** Follows start → provider consent → callback; returns the callback answer. */
    static HttpResponse<String> connect(String provider, String user) throws Exception {
        HttpResponse<String> start = get(link(provider, user));
        assertThat(start.statusCode()).isEqualTo(302);
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> consent = get(authorize);
        assertThat(consent.statusCode()).isEqualTo(302);
        return get(URI.create(consent.headers().firstValue("Location").orElseThrow()));
    }

    @Test
    void connectingStoresTheConnectionAndPublishesConnectionCreated() throws Exception {
        HttpResponse<String> done = connect("oura", "carol");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).doesNotContain("sim-at-").doesNotContain("sim-rt-");
        JsonNode list = hb.getJson("/api/v1/connections?user=carol").get("connections");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("status").asText()).isEqualTo("active");
        JsonNode created = hb.getJson("/api/v1/events?type=healthbridge.connection.created&user=carol").get("events");
        assertThat(created).hasSize(1);
        assertThat(created.get(0).get("event").get("data").get("connection_id").asText())
                .isEqualTo(list.get(0).get("id").asText());
    }

    @Test
    void authorizeUrlCarriesStateAndPkceWhereSupported() throws Exception {
        URI fitbit = URI.create(get(link("fitbit", "dave")).headers().firstValue("Location").orElseThrow());
        Map<String, String> q = ProviderSimulator.queryOf(fitbit);
        assertThat(q).containsKeys("state", "code_challenge", "redirect_uri").containsEntry("code_challenge_method", "S256")
                .containsEntry("access_type", "offline");
        assertThat(q.get("redirect_uri")).isEqualTo(hb.uri("/connect/fitbit/callback").toString());
        URI oura = URI.create(get(link("oura", "dave")).headers().firstValue("Location").orElseThrow());
        assertThat(ProviderSimulator.queryOf(oura)).containsKey("state").doesNotContainKey("code_challenge");
    }

    @Test
    void aStateIsSingleUseAndForgedStatesAreRefused() throws Exception {
        HttpResponse<String> start = get(link("withings", "erin"));
        HttpResponse<String> consent = get(URI.create(start.headers().firstValue("Location").orElseThrow()));
        URI callback = URI.create(consent.headers().firstValue("Location").orElseThrow());
        assertThat(get(callback).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = get(callback);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("VAL_001").contains("state");
        assertThat(get(hb.uri("/connect/withings/callback?code=x&state=forged")).statusCode()).isEqualTo(400);
        assertThat(get(hb.uri("/connect/withings/callback?error=access_denied")).body()).contains("AUTH_001");
    }

    @Test
    void badStartRequestsAreClearErrors() throws Exception {
        assertThat(get(hb.uri("/connect/nosuch?user=x")).statusCode()).isEqualTo(404);
        HttpResponse<String> noUser = get(hb.uri("/connect/oura"));
        assertThat(noUser.statusCode()).isEqualTo(400);
        assertThat(noUser.body()).contains("VAL_002");
    }

    @Test
    void deletingAConnectionRevokesItAndPublishesConnectionRevoked() throws Exception {
        connect("fitbit", "fay");
        String id = hb.getJson("/api/v1/connections?user=fay").get("connections").get(0).get("id").asText();
        HttpResponse<String> deleted = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connections/" + id)).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).contains("\"revoked_at_provider\":true");
        assertThat(hb.getJson("/api/v1/connections/" + id).get("status").asText()).isEqualTo("revoked");
        assertThat(hb.getJson("/api/v1/events?type=healthbridge.connection.revoked&user=fay").get("events")).hasSize(1);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/connections/nope")).DELETE()).statusCode()).isEqualTo(404);
    }
}
