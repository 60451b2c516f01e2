package io.healthbridge.auth;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
 * Each auth processor, declared as a bean in a YAML route file and used by name before an http call, and what the
 * server on the other side receives.
 */
class AuthProcessorsTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static HttpServer server;
    static KeyPair keys;
    static final AtomicInteger TOKEN_REQUESTS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/echo", ex -> reply(ex, 200, "auth=" + ex.getRequestHeaders().getFirst("Authorization")
                + ";key=" + ex.getRequestHeaders().getFirst("X-API-Key") + ";query=" + ex.getRequestURI().getRawQuery()));
        server.createContext("/token", AuthProcessorsTest::token);
        server.start();
        hb = RunningHealthbridge.start(work, SimulatedProviders.settings("uma"));
        String echo = "http://127.0.0.1:" + server.getAddress().getPort();
        String sim = SimulatedProviders.simulator(hb).baseUrl("oura");
        String key = Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded());
        hb.writeRoute("auth-examples.camel.yaml", """
                - beans:
                    - name: exampleApiKey
                      type: io.healthbridge.auth.ApiKeyAuth
                      properties: {key: k-123}
                    - name: exampleQueryKey
                      type: io.healthbridge.auth.ApiKeyAuth
                      properties: {key: q-456, queryParameter: api_key}
                    - name: exampleBearer
                      type: io.healthbridge.auth.BearerAuth
                      properties: {token: svc-token}
                    - name: exampleBasic
                      type: io.healthbridge.auth.BasicAuth
                      properties: {username: ops, password: s3cret}
                    - name: exampleClientCredentials
                      type: io.healthbridge.auth.ClientCredentialsAuth
                      properties: {tokenUrl: "%1$s/token", clientId: app-1, clientSecret: app-secret, scope: read}
                    - name: exampleJwt
                      type: io.healthbridge.auth.JwtBearerAuth
                      properties: {tokenUrl: "%1$s/token", issuer: svc@example, privateKey: "%3$s"}
                    - name: exampleUserToken
                      type: io.healthbridge.auth.UserTokenAuth
                      properties: {provider: oura}
                - route:
                    id: auth-api-key
                    from: {uri: "platform-http:/auth/api-key", steps: [{process: {ref: exampleApiKey}}, {to: "%1$s/echo?bridgeEndpoint=true"}]}
                - route:
                    id: auth-query-key
                    from: {uri: "platform-http:/auth/query-key", steps: [{process: {ref: exampleQueryKey}}, {to: "%1$s/echo?bridgeEndpoint=true"}]}
                - route:
                    id: auth-bearer
                    from: {uri: "platform-http:/auth/bearer", steps: [{process: {ref: exampleBearer}}, {to: "%1$s/echo?bridgeEndpoint=true"}]}
                - route:
                    id: auth-basic
                    from: {uri: "platform-http:/auth/basic", steps: [{process: {ref: exampleBasic}}, {to: "%1$s/echo?bridgeEndpoint=true"}]}
                - route:
                    id: auth-client-credentials
                    from: {uri: "platform-http:/auth/cc", steps: [{process: {ref: exampleClientCredentials}}, {to: "%1$s/echo?bridgeEndpoint=true"}]}
                - route:
                    id: auth-jwt
                    from: {uri: "platform-http:/auth/jwt", steps: [{process: {ref: exampleJwt}}, {to: "%1$s/echo?bridgeEndpoint=true"}]}
                - route:
                    id: auth-user-token
                    from:
                      uri: "platform-http:/auth/user"
                      steps:
                        - removeHeaders: {pattern: "*"}
                        - setHeader: {name: Healthbridge.userId, constant: uma}
                        - process: {ref: exampleUserToken}
                        - setHeader: {name: CamelHttpQuery, constant: "start_date=2026-01-01&end_date=2026-01-02"}
                        - to: "%2$s/v2/usercollection/daily_spo2?bridgeEndpoint=true"
                """.formatted(echo, sim, key));
        await().atMost(Duration.ofSeconds(10)).until(() -> hb.bodyOrNull("/auth/bearer") != null);
    }

    @AfterAll
    static void stop() {
        hb.close();
        server.stop(0);
    }

    static void reply(HttpExchange ex, int status, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    /** A token endpoint: client credentials for app-1, and JWT bearer assertions signed by the test key. */
    static void token(HttpExchange ex) throws java.io.IOException {
        TOKEN_REQUESTS.incrementAndGet();
        Map<String, String> form = ProviderSimulator.queryOf(java.net.URI.create("x:/?" + new String(
                ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        String grant = form.get("grant_type");
        if ("client_credentials".equals(grant) && "app-1".equals(form.get("client_id"))
            && "app-secret".equals(form.get("client_secret")) && "read".equals(form.get("scope"))) {
            reply(ex, 200, "{\"access_token\":\"cc-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            return;
        }
        if ("urn:ietf:params:oauth:grant-type:jwt-bearer".equals(grant)) {
            try {
                SignedJWT jwt = SignedJWT.parse(form.get("assertion"));
                boolean ok = jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))
                             && "svc@example".equals(jwt.getJWTClaimsSet().getIssuer())
                             && jwt.getJWTClaimsSet().getExpirationTime().after(new java.util.Date());
                if (ok) {
                    reply(ex, 200, "{\"access_token\":\"jwt-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
                    return;
                }
            } catch (Exception e) {
                // falls through to the error
            }
        }
        reply(ex, 400, "{\"error\":\"invalid_grant\"}");
    }

    @Test
    void apiKeyAsHeaderAndAsQueryParameter() {
        assertThat(hb.bodyOrNull("/auth/api-key")).contains("key=k-123");
        assertThat(hb.bodyOrNull("/auth/query-key")).contains("query=api_key=q-456");
    }

    @Test
    void bearerAndBasic() {
        assertThat(hb.bodyOrNull("/auth/bearer")).contains("auth=Bearer svc-token");
        assertThat(hb.bodyOrNull("/auth/basic")).contains("auth=Basic " + Base64.getEncoder()
                .encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void clientCredentialsTokenIsFetchedOnceAndReused() {
        int before = TOKEN_REQUESTS.get();
        assertThat(hb.bodyOrNull("/auth/cc")).contains("auth=Bearer cc-token");
        assertThat(hb.bodyOrNull("/auth/cc")).contains("auth=Bearer cc-token");
        assertThat(TOKEN_REQUESTS.get() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void jwtBearerAssertionIsSignedAndTraded() {
        assertThat(hb.bodyOrNull("/auth/jwt")).contains("auth=Bearer jwt-token");
    }

    @Test
    void userTokenCallsTheProviderForTheConnectedUser() {
        assertThat(hb.bodyOrNull("/auth/user")).contains("\"data\"");
    }
}
