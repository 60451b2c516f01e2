package io.healthbridge.push;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;

import io.healthbridge.provider.PushSignatures;
import io.healthbridge.simulator.ProviderSimulator;
import io.healthbridge.support.RunningHealthbridge;
import io.healthbridge.support.SimulatedProviders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Push notifications: each provider's handshake, correctly signed notifications fetch new data through the poller,
 * forged, stale or unknown ones are refused with nothing stored, and accepted ones survive a provider outage.
 */
class PushNotificationTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static KeyPair google;
    static final String OURA_SECRET = "healthbridge-sim-secret";

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        google = g.generateKeyPair();
        Properties p = SimulatedProviders.settings("pia,ron");
        p.setProperty("healthbridge.providers.oura.webhook.verification-token", "vt-123");
        p.setProperty("healthbridge.providers.fitbit.webhook.authorization", "gh-secret");
        p.setProperty("healthbridge.providers.fitbit.webhook.public-key", "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(google.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----");
        p.setProperty("healthbridge.push.poll-interval-ms", "200");
        p.setProperty("healthbridge.providers.strava.webhook.verify-token", "st-verify");
        p.setProperty("healthbridge.providers.strava.webhook.subscription-id", "120475");
        p.setProperty("healthbridge.providers.polar.webhook.signature-secret", "ps-secret");
        p.setProperty("healthbridge.providers.garmin.webhook.token", GARMIN_TOKEN);
        hb = RunningHealthbridge.start(work, p);
        await().until(() -> hb.getJson("/api/v1/connections?user=pia").get("connections").size() == 7);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static final String GARMIN_TOKEN = "gt-0123456789abcdef";
    static final String GARMIN_URL = "/providers/garmin/webhook?token=" + GARMIN_TOKEN;

    static PushInbox inbox() {
        return hb.runtime().context().getRegistry().lookupByNameAndType("pushInbox", PushInbox.class);
    }

    static long stored() {
        return inbox().count("pending") + inbox().count("processing") + inbox().count("processed")
               + inbox().count("failed");
    }

    static HttpResponse<String> oura(String body, long timestamp, String secret) throws Exception {
        String sig = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac(secret,
                (timestamp + body).getBytes(StandardCharsets.UTF_8)));
        return hb.send(HttpRequest.newBuilder(hb.uri("/providers/oura/webhook")).header("x-oura-timestamp",
                String.valueOf(timestamp)).header("x-oura-signature", sig).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String ouraNotification(String dataType, String user) {
        return "{\"event_type\":\"create\",\"data_type\":\"" + dataType + "\",\"object_id\":\"o-1\",\"user_id\":\""
               + user + "\",\"event_time\":\"" + Instant.now() + "\"}";
    }

    static int events(String type, String provider) throws Exception {
        return hb.getJson("/api/v1/events?user=pia&limit=500&provider=" + provider + "&type=" + type).get("events").size();
    }

    @Test
    void ouraHandshakeEchoesTheChallengeOnlyForTheRightToken() throws Exception {
        HttpResponse<String> ok = hb.get("/providers/oura/webhook?verification_token=vt-123&challenge=xyz");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"challenge\":\"xyz\"}");
        assertThat(hb.get("/providers/oura/webhook?verification_token=nope&challenge=xyz").statusCode()).isEqualTo(401);
    }

    @Test
    void aSignedOuraNotificationFetchesTheNewData() throws Exception {
        HttpResponse<String> r = oura(ouraNotification("workout", "pia"), Instant.now().getEpochSecond(), OURA_SECRET);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("accepted");
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.workout", "oura") > 0);
    }

    @Test
    void aSignedNotificationSentAgainIsARefusedReplay() throws Exception {
        String body = ouraNotification("daily_activity", "pia");
        long at = Instant.now().getEpochSecond();
        assertThat(oura(body, at, OURA_SECRET).statusCode()).isEqualTo(200);
        long before = stored();
        HttpResponse<String> replay = oura(body, at, OURA_SECRET);
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void aGarminPushWithoutTheDeploymentsTokenIsRefused() throws Exception {
        String push = "{\"epochs\":[{\"userId\":\"pia\",\"summaryId\":\"forged\",\"steps\":93,\"durationInSeconds\":900,"
                      + "\"startTimeInSeconds\":" + Instant.now().getEpochSecond() + ",\"startTimeOffsetInSeconds\":0}]}";
        long before = stored();
        for (String url : new String[] {"/providers/garmin/webhook", "/providers/garmin/webhook?token=guess"}) {
            // the client id is no secret: the connect redirect shows it to anyone
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri(url)).header("garmin-client-id", "healthbridge-sim-client")
                    .POST(HttpRequest.BodyPublishers.ofString(push))).statusCode()).isEqualTo(401);
        }
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void forgedStaleAndUnknownNotificationsAreRefusedAndNothingStored() throws Exception {
        long before = stored();
        assertThat(oura(ouraNotification("sleep", "pia"), Instant.now().getEpochSecond(), "wrong-secret").statusCode())
                .isEqualTo(401);
        assertThat(oura(ouraNotification("sleep", "pia"), Instant.now().minusSeconds(600).getEpochSecond(), OURA_SECRET)
                .statusCode()).isEqualTo(401);
        assertThat(oura(ouraNotification("sleep", "stranger"), Instant.now().getEpochSecond(), OURA_SECRET).statusCode())
                .isEqualTo(404);
        HttpResponse<String> tampered = hb.send(HttpRequest.newBuilder(hb.uri("/providers/oura/webhook"))
                .header("x-oura-timestamp", String.valueOf(Instant.now().getEpochSecond()))
                .header("x-oura-signature", "00").POST(HttpRequest.BodyPublishers.ofString(ouraNotification("sleep", "pia"))));
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void aWithingsNotificationForAnOldWindowFetchesThatWindow() throws Exception {
        // a notification about measurements of 20 days ago, far behind the cursor (the first sync looks back 3 days)
        long end = Instant.now().minus(Duration.ofDays(20)).getEpochSecond();
        long start = end - 86400;
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/providers/withings/webhook"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("userid=pia&appli=1&startdate=" + start + "&enddate=" + end)));
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> hb.getJson("/api/v1/events?user=pia&limit=500&provider=withings"
                + "&type=health.body_weight").get("events").findValuesAsText("time").stream()
                .anyMatch(t -> java.time.OffsetDateTime.parse(t).toEpochSecond() >= start
                               && java.time.OffsetDateTime.parse(t).toEpochSecond() <= end));
    }

    @Test
    void withingsAnswersHeadAndAFormNotificationFetchesMeasures() throws Exception {
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/withings/webhook"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> r = hb.send(HttpRequest.newBuilder(hb.uri("/providers/withings/webhook"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("userid=pia&appli=1&startdate=" + (now - 86400) + "&enddate=" + now)));
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.body_weight", "withings") > 0);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/withings/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString("userid=nobody&appli=1"))).statusCode()).isEqualTo(404);
    }

    static String sign(String body) throws Exception {
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(google.getPrivate());
        ecdsa.update(body.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(ecdsa.sign());
    }

    @Test
    void googleHealthNeedsTheSubscriberSecretAndAValidSignature() throws Exception {
        String body = "{\"healthUserId\":\"pia\",\"dataType\":\"weight\"}";
        HttpRequest.Builder wrongSecret = HttpRequest.newBuilder(hb.uri("/providers/fitbit/webhook"))
                .header("Authorization", "nope").header("X-HEALTHAPI-SIGNATURE", sign(body))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        assertThat(hb.send(wrongSecret).statusCode()).isEqualTo(401);
        HttpRequest.Builder badSignature = HttpRequest.newBuilder(hb.uri("/providers/fitbit/webhook"))
                .header("Authorization", "gh-secret").header("X-HEALTHAPI-SIGNATURE", sign(body + " "))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        assertThat(hb.send(badSignature).statusCode()).isEqualTo(401);
        HttpRequest.Builder good = HttpRequest.newBuilder(hb.uri("/providers/fitbit/webhook"))
                .header("Authorization", "gh-secret").header("X-HEALTHAPI-SIGNATURE", sign(body))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        assertThat(hb.send(good).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.body_weight", "fitbit") > 0);
    }

    @Test
    void anAcceptedNotificationSurvivesAProviderOutage() throws Exception {
        ProviderSimulator sim = SimulatedProviders.simulator(hb);
        sim.setOutage("oura", true);
        try {
            assertThat(oura(ouraNotification("daily_spo2", "pia"), Instant.now().getEpochSecond(), OURA_SECRET)
                    .statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> sim.requests("oura") > 0 && inbox().count("pending") > 0);
            assertThat(events("health.oxygen_saturation", "oura")).isZero();
        } finally {
            sim.setOutage("oura", false);
        }
        hb.runtime().context().getRegistry().lookupByNameAndType("providerCaller",
                io.healthbridge.provider.ProviderCaller.class).existingBreaker("oura").ifPresent(b -> b.transitionToClosedState());
        await().atMost(Duration.ofSeconds(20)).until(() -> events("health.oxygen_saturation", "oura") > 0);
    }

    @Test
    void whoopSignedNotificationsFetchAndForgedOnesAreRefused() throws Exception {
        String body = "{\"user_id\":\"pia\",\"id\":\"s-1\",\"type\":\"sleep.updated\",\"trace_id\":\"t\"}";
        String ts = String.valueOf(System.currentTimeMillis());
        String sig = Base64.getEncoder().encodeToString(PushSignatures.hmac("healthbridge-sim-secret",
                (ts + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest.Builder good = HttpRequest.newBuilder(hb.uri("/providers/whoop/webhook"))
                .header("X-WHOOP-Signature", sig).header("X-WHOOP-Signature-Timestamp", ts)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        assertThat(hb.send(good).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.sleep_session", "whoop") > 0);
        HttpRequest.Builder forged = HttpRequest.newBuilder(hb.uri("/providers/whoop/webhook"))
                .header("X-WHOOP-Signature", sig).header("X-WHOOP-Signature-Timestamp", ts)
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("sleep", "workout")));
        assertThat(hb.send(forged).statusCode()).isEqualTo(401);
        String old = String.valueOf(System.currentTimeMillis() - 600_000);
        String oldSig = Base64.getEncoder().encodeToString(PushSignatures.hmac("healthbridge-sim-secret",
                (old + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest.Builder stale = HttpRequest.newBuilder(hb.uri("/providers/whoop/webhook"))
                .header("X-WHOOP-Signature", oldSig).header("X-WHOOP-Signature-Timestamp", old)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        assertThat(hb.send(stale).statusCode()).isEqualTo(401);
    }

    @Test
    void stravaChallengeSubscriptionCheckAndDeauthorization() throws Exception {
        HttpResponse<String> challenge = hb.get("/providers/strava/webhook?hub.mode=subscribe&hub.challenge=c-9&hub.verify_token=st-verify");
        assertThat(challenge.statusCode()).isEqualTo(200);
        assertThat(challenge.body()).isEqualTo("{\"hub.challenge\":\"c-9\"}");
        assertThat(hb.get("/providers/strava/webhook?hub.mode=subscribe&hub.challenge=c-9&hub.verify_token=x").statusCode())
                .isEqualTo(401);
        String event = "{\"object_type\":\"activity\",\"object_id\":1,\"aspect_type\":\"create\",\"owner_id\":\"pia\","
                       + "\"subscription_id\":120475,\"event_time\":1}";
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/strava/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString(event.replace("120475", "999")))).statusCode()).isEqualTo(401);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/strava/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString(event))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.workout", "strava") > 0);

        String deauth = "{\"object_type\":\"athlete\",\"object_id\":1,\"aspect_type\":\"update\",\"owner_id\":\"pia\","
                        + "\"subscription_id\":120475,\"updates\":{\"authorized\":\"false\"}}";
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/strava/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString(deauth))).statusCode()).isEqualTo(200);
        assertThat(hb.getJson("/api/v1/connections?user=pia&provider=strava").get("connections").get(0).get("status")
                .asText()).isEqualTo("revoked");
        assertThat(hb.getJson("/api/v1/events?type=healthbridge.connection.revoked&user=pia").get("events")).isNotEmpty();
    }

    @Test
    void aPolarNotificationForAnOldDayFetchesThatDay() throws Exception {
        // heart rate synced late: its day lies far behind the cursor (the first sync looks back 3 days), and Polar
        // answers continuous heart rate one day per request
        java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(20);
        String body = "{\"event\":\"CONTINUOUS_HEART_RATE\",\"user_id\":\"pia\",\"date\":\"" + day
                      + "\",\"timestamp\":\"" + Instant.now() + "\",\"url\":"
                      + "\"https://www.polaraccesslink.com/v3/users/continuous-heart-rate/" + day + "\"}";
        String sig = HexFormat.of().formatHex(PushSignatures.hmac("ps-secret", body.getBytes(StandardCharsets.UTF_8)));
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/polar/webhook")).header("Polar-Webhook-Signature", sig)
                .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> hb.getJson("/api/v1/events?user=pia&limit=500&provider=polar"
                + "&type=health.heart_rate").get("events").findValuesAsText("time").stream()
                .anyMatch(t -> java.time.OffsetDateTime.parse(t).toLocalDate().equals(day)));
    }

    @Test
    void polarPingIsAnsweredAndSignedEventsFetch() throws Exception {
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/polar/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"timestamp\":\"2026-11-24T10:00:00Z\",\"event\":\"PING\"}")))
                .statusCode()).isEqualTo(200);
        String body = "{\"event\":\"EXERCISE\",\"user_id\":\"pia\",\"entity_id\":\"x\",\"timestamp\":\""
                      + Instant.now() + "\"}";
        String sig = HexFormat.of().formatHex(PushSignatures.hmac("ps-secret", body.getBytes(StandardCharsets.UTF_8)));
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/polar/webhook")).header("Polar-Webhook-Signature", "ab")
                .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode()).isEqualTo(401);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/providers/polar/webhook")).header("Polar-Webhook-Signature", sig)
                .POST(HttpRequest.BodyPublishers.ofString(body))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.workout", "polar") > 0);
    }

    @Test
    void aGarminDeregistrationRevokesTheConnection() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> hb.getJson("/api/v1/connections?user=ron&provider=garmin")
                .get("connections").size() == 1);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri(GARMIN_URL)).header("garmin-client-id", "healthbridge-sim-client")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deregistrations\":[{\"userId\":\"ron\"}]}")))
                .statusCode()).isEqualTo(200);
        assertThat(hb.getJson("/api/v1/connections?user=ron&provider=garmin").get("connections").get(0).get("status")
                .asText()).isEqualTo("revoked");
        assertThat(hb.getJson("/api/v1/events?type=healthbridge.connection.revoked&user=ron").get("events")).isNotEmpty();
        assertThat(hb.getJson("/api/v1/connections?user=pia&provider=garmin").get("connections").get(0).get("status")
                .asText()).isEqualTo("active");
    }

    @Test
    void garminPushCarriesDataAndPingCarriesACallbackToPull() throws Exception {
        long t = (Instant.now().getEpochSecond() - 7200) / 900 * 900;
        String push = "{\"epochs\":[{\"userId\":\"pia\",\"summaryId\":\"push-1\",\"activityType\":\"WALKING\","
                      + "\"activeKilocalories\":24,\"steps\":93,\"distanceInMeters\":49.11,\"durationInSeconds\":900,"
                      + "\"startTimeInSeconds\":" + t + ",\"startTimeOffsetInSeconds\":3600}]}";
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri(GARMIN_URL)).header("garmin-client-id", "someone-else")
                .POST(HttpRequest.BodyPublishers.ofString(push))).statusCode()).isEqualTo(401);
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri(GARMIN_URL))
                .header("garmin-client-id", "healthbridge-sim-client")
                .POST(HttpRequest.BodyPublishers.ofString(push))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.steps", "garmin") > 0);

        long now = Instant.now().getEpochSecond();
        String callback = SimulatedProviders.simulator(hb).baseUrl("garmin") + "/wellness-api/rest/dailies?uploadStartTimeInSeconds="
                          + (now - 3 * 86400) + "&uploadEndTimeInSeconds=" + now + "&token=t";
        String ping = "{\"dailies\":[{\"userId\":\"pia\",\"callbackURL\":\"" + callback + "\"}]}";
        assertThat(hb.send(HttpRequest.newBuilder(hb.uri(GARMIN_URL))
                .header("garmin-client-id", "healthbridge-sim-client")
                .POST(HttpRequest.BodyPublishers.ofString(ping))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("health.daily_activity", "garmin") > 0);

        // a callback outside Garmin's base URL is never followed (here: the simulator's Oura, which would answer)
        var poller = hb.runtime().context().getRegistry().lookupByNameAndType("providerPoller",
                io.healthbridge.provider.ProviderPoller.class);
        var garmin = hb.runtime().context().getRegistry().lookupByNameAndType("connectionStore",
                io.healthbridge.store.ConnectionStore.class).find("pia", "garmin").orElseThrow();
        long before = SimulatedProviders.simulator(hb).requests("oura");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> poller.fetchCallback(garmin, "dailies",
                        SimulatedProviders.simulator(hb).baseUrl("oura") + "/v2/usercollection/sleep"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not under");
        assertThat(SimulatedProviders.simulator(hb).requests("oura")).isEqualTo(before);
    }
}
