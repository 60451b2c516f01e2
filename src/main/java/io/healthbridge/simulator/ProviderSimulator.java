package io.healthbridge.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.healthbridge.event.EventJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated provider APIs on loopback, for development, demos and tests: OAuth (authorize with automatic consent,
 * token, refresh, revoke), the data endpoints with the providers' paths, parameters, pagination and response shapes,
 * rate limits with 429 and rate-limit headers, and injected outages, error bursts and latency. Serves Oura, Withings,
 * Fitbit (Google Health API) and Dexcom under {@code /<provider>}; data comes from {@link SyntheticData}.
 * <p>
 * The JDK's HTTP server is used: the simulator must run beside, not inside, the runtime it simulates for.
 */
public class ProviderSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderSimulator.class);
    public static final Set<String> PROVIDERS = Set.of("oura", "withings", "fitbit", "dexcom", "whoop", "strava",
            "polar", "garmin");
    /** Garmin backfill requests received, as {@code path?start-end}. */
    private final List<String> garminBackfills = new CopyOnWriteArrayList<>();
    /** Polar users registered with POST /v3/users. */
    private final Set<String> polarRegistered = ConcurrentHashMap.newKeySet();

    private final HttpServer server;
    private final Clock clock;
    private final Map<String, SimulatedState> states = new ConcurrentHashMap<>();
    private final SimulatedApis apis;
    private final SimulatedOAuth oauth;
    private final SimulatedGrants grants;

    private ProviderSimulator(HttpServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        // Oura and Withings rotate refresh tokens (single use); Google does not
        states.put("oura", new SimulatedState("oura", true));
        states.put("withings", new SimulatedState("withings", true));
        states.put("fitbit", new SimulatedState("fitbit", false));
        states.put("dexcom", new SimulatedState("dexcom", true));
        states.put("whoop", new SimulatedState("whoop", true));
        states.put("strava", new SimulatedState("strava", true));
        states.put("polar", new SimulatedState("polar", false));
        states.put("garmin", new SimulatedState("garmin", true));
        this.apis = new SimulatedApis(clock);
        this.grants = new SimulatedGrants(states);
        this.oauth = new SimulatedOAuth(clock, this::saveGrants);
    }

    public static ProviderSimulator start(String host, int port, Clock clock) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        ProviderSimulator sim = new ProviderSimulator(server, clock);
        server.createContext("/", sim::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "provider-simulator");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        LOG.info("Provider simulator ({}) listening on http://{}:{}", String.join(", ", new java.util.TreeSet<>(PROVIDERS)),
                host, sim.port());
        return sim;
    }

    /**
     * Keeps the tokens the simulator issued in {@code file} and loads those already there, so a runtime restarted on
     * the same data folder (after a crash, say) finds its connections still authorized, as a real provider would.
     */
    public void persistTo(Path file) throws IOException {
        grants.persistTo(file);
    }

    private void saveGrants() {
        grants.save();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl(String provider) {
        return "http://127.0.0.1:" + port() + "/" + provider;
    }

    // ---- controls, for tests and demos -------------------------------------------------------------------------

    SimulatedState state(String provider) {
        SimulatedState s = states.get(provider);
        if (s == null) {
            throw new IllegalArgumentException("the simulator has no provider " + provider);
        }
        return s;
    }

    /** Every data request answers 503 while on. */
    public void setOutage(String provider, boolean on) {
        state(provider).outage = on;
    }

    /** The next {@code n} data requests answer {@code status}. */
    public void failNext(String provider, int n, int status) {
        state(provider).failStatus = status;
        state(provider).failNext.set(n);
    }

    /** The app may make {@code requests} data requests per {@code window} (fixed windows); more get 429. */
    public void setRateLimit(String provider, long requests, Duration window) {
        state(provider).rateLimit = requests;
        state(provider).rateWindow = window;
    }

    /** This share of data requests answers 429 with Retry-After, whatever the count: a 429 storm. */
    public void setRandom429(String provider, double share) {
        state(provider).random429 = share;
    }

    /** Whether answers carry X-RateLimit-* headers (some providers send none). */
    public void setRateLimitHeaders(String provider, boolean on) {
        state(provider).sendRateHeaders = on;
    }

    public void setLatency(String provider, Duration latency) {
        state(provider).latencyMillis = latency.toMillis();
    }

    public void setAccessTokenLifetime(String provider, Duration lifetime) {
        state(provider).accessTokenLifetime = lifetime.toSeconds();
    }

    /** Invalidates every access token now: the next data call gets 401 and must refresh. */
    public void expireAccessTokens(String provider) {
        state(provider).accessTokens.clear();
    }

    /** The user revoked the app at the provider: every token and refresh token stops working. */
    public void revokeGrants(String provider) {
        state(provider).accessTokens.clear();
        state(provider).refreshTokens.clear();
    }

    public List<String> garminBackfillRequests() {
        return List.copyOf(garminBackfills);
    }

    public long requests(String provider) {
        return state(provider).requests.get();
    }

    /** The most requests received in one rate-limit window, rejected ones included. */
    public long maxRequestsInAnyWindow(String provider) {
        return state(provider).maxInWindow.get();
    }

    public long rejected429(String provider) {
        return state(provider).rejected429.get();
    }

    public int refreshes(String provider) {
        return state(provider).refreshes.get();
    }

    /** Runs the authorize step as the user's browser would: the redirect the provider answers, with code and state. */
    public URI authorize(URI authorizeUrl) {
        Map<String, String> q = query(authorizeUrl.getRawQuery());
        String provider = authorizeUrl.getPath().split("/")[1];
        return URI.create(oauth.consent(state(provider), q));
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/", 3);
            if (parts.length < 2 || !states.containsKey(parts[1])) {
                send(ex, 404, EventJson.object().put("error", "unknown path"));
                return;
            }
            SimulatedState s = states.get(parts[1]);
            String path = parts.length < 3 ? "/" : "/" + parts[2];
            Map<String, String> params = query(ex.getRequestURI().getRawQuery());
            if ("POST".equals(ex.getRequestMethod())) {
                params.putAll(query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            }
            if (path.equals("/oauth/authorize")) {
                ex.getResponseHeaders().add("Location", oauth.consent(s, params));
                ex.sendResponseHeaders(302, -1);
                return;
            }
            if (path.equals("/oauth/token") || path.equals("/v2/oauth2")) {
                oauth.token(ex, s, params);
                return;
            }
            if (path.equals("/oauth/revoke")) {
                String t = params.get("token");
                if (t != null) {
                    s.accessTokens.remove(t);
                    s.refreshTokens.remove(t);
                    saveGrants();
                }
                send(ex, 200, EventJson.object());
                return;
            }
            data(ex, s, path, params);
        } catch (RuntimeException e) {
            LOG.warn("Simulator error on {}: {}", ex.getRequestURI(), e.toString());
            send(ex, 500, EventJson.object().put("error", "simulator: " + e.getMessage()));
        }
    }

    private void data(HttpExchange ex, SimulatedState s, String path, Map<String, String> params) throws IOException {
        boolean withings = s.provider.equals("withings");
        s.requests.incrementAndGet();
        if (s.latencyMillis > 0) {
            sleep(s.latencyMillis);
        }
        if (s.outage) { // a real outage takes everything down, before any token is looked at
            send(ex, 503, EventJson.object().put("error", "simulated failure"));
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String[] token = auth == null || !auth.startsWith("Bearer ") ? null : s.accessTokens.get(auth.substring(7));
        if (token == null || Long.parseLong(token[1]) <= clock.instant().getEpochSecond()) {
            if (withings) {
                send(ex, 200, EventJson.object().put("status", 401).put("error", "invalid_token"));
            } else {
                send(ex, 401, EventJson.object().put("error", "invalid_token"));
            }
            return;
        }
        // rate limit: fixed windows aligned to the epoch, like the providers count; every request counts,
        // the rejected ones too, so maxInWindow is what the client sent
        long window = s.rateWindow.toSeconds();
        long index = clock.instant().getEpochSecond() / window;
        long resetAt = (index + 1) * window;
        long count = s.windowCounts.computeIfAbsent(index, k -> new AtomicLong()).incrementAndGet();
        s.maxInWindow.accumulateAndGet(count, Math::max);
        s.windowCounts.keySet().removeIf(k -> k < index - 2);
        if (s.random429 > 0 && Math.random() < s.random429 || s.rateLimit > 0 && count > s.rateLimit) {
            s.rejected429.incrementAndGet();
            long retry = Math.max(1, resetAt - clock.instant().getEpochSecond());
            ex.getResponseHeaders().add("Retry-After", String.valueOf(retry));
            rateHeaders(ex, s, 0, resetAt);
            if (withings) {
                send(ex, 200, EventJson.object().put("status", 601).put("error", "too many requests"));
            } else {
                send(ex, 429, EventJson.object().put("error", "rate_limited"));
            }
            return;
        }
        if (s.outage || s.failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            send(ex, s.outage ? 503 : s.failStatus, EventJson.object().put("error", "simulated failure"));
            return;
        }
        if (s.rateLimit > 0) {
            rateHeaders(ex, s, s.rateLimit - count, resetAt);
        }
        if (s.provider.equals("polar")) {
            if (path.equals("/v3/users") && "POST".equals(ex.getRequestMethod())) {
                send(ex, polarRegistered.add(token[0]) ? 200 : 409, EventJson.object().put("polar-user-id", token[0]));
                return;
            }
            if (!polarRegistered.contains(token[0])) {
                send(ex, 403, EventJson.object().put("error", "user not registered: POST /v3/users first"));
                return;
            }
        }
        if (s.provider.equals("garmin") && path.startsWith("/wellness-api/rest/backfill/")) {
            String request = path + "?" + params.get("summaryStartTimeInSeconds") + "-" + params.get("summaryEndTimeInSeconds");
            int code = garminBackfills.contains(request) ? 409 : 202;
            garminBackfills.add(request);
            ex.sendResponseHeaders(code, -1);
            return;
        }
        JsonNode body = apis.answer(s.provider, path, params, token[0]);
        if (body == null) {
            send(ex, 404, EventJson.object().put("error", "no such endpoint " + path));
            return;
        }
        send(ex, 200, body);
    }

    private static void rateHeaders(HttpExchange ex, SimulatedState s, long remaining, long resetAt) {
        if (!s.sendRateHeaders) {
            return;
        }
        ex.getResponseHeaders().add("X-RateLimit-Limit", String.valueOf(s.rateLimit));
        ex.getResponseHeaders().add("X-RateLimit-Remaining", String.valueOf(Math.max(0, remaining)));
        ex.getResponseHeaders().add("X-RateLimit-Reset", String.valueOf(resetAt));
    }

    /** The decoded query parameters of a URI. */
    public static Map<String, String> queryOf(URI uri) {
        return query(uri.getRawQuery());
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = EventJson.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    Instant now() {
        return clock.instant();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
