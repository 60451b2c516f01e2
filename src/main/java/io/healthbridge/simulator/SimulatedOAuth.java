package io.healthbridge.simulator;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.healthbridge.event.EventJson;

/**
 * The simulated providers' OAuth 2.0 endpoints: consent (an authorization code per grant, PKCE S256 checked), and the
 * token endpoint in each provider's dialect (Withings' wrapped answers, Polar's Basic-only clients and lifetime tokens,
 * Strava's athlete, refresh tokens rotated where the provider rotates them).
 */
final class SimulatedOAuth {

    private final Clock clock;
    private final Runnable grantsChanged;
    private final AtomicInteger userSeq = new AtomicInteger();

    /** @param grantsChanged called when tokens were issued (to persist them) */
    SimulatedOAuth(Clock clock, Runnable grantsChanged) {
        this.clock = clock;
        this.grantsChanged = grantsChanged;
    }

    String consent(SimulatedState s, Map<String, String> q) {
        String user = q.getOrDefault("login_hint", s.provider + "-user-" + userSeq.incrementAndGet());
        String code = UUID.randomUUID().toString();
        s.codes.put(code, user + "\n" + q.getOrDefault("redirect_uri", ""));
        if (q.containsKey("code_challenge")) {
            s.challenges.put(code, q.get("code_challenge"));
        }
        String redirect = q.getOrDefault("redirect_uri", "");
        return redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code + "&state="
               + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
    }

    void token(HttpExchange ex, SimulatedState s, Map<String, String> p) throws IOException {
        boolean withings = s.provider.equals("withings");
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            p.put("client_id", URLDecoder.decode(pair[0], StandardCharsets.UTF_8));
            p.put("client_secret", URLDecoder.decode(pair.length > 1 ? pair[1] : "", StandardCharsets.UTF_8));
        } else if (s.provider.equals("polar")) {
            tokenError(ex, false, "invalid_client"); // Polar takes client credentials in Basic only
            return;
        }
        if (!"healthbridge-sim-client".equals(p.get("client_id")) || !"healthbridge-sim-secret".equals(p.get("client_secret"))) {
            tokenError(ex, withings, "invalid_client");
            return;
        }
        String user;
        if ("authorization_code".equals(p.get("grant_type"))) {
            String entry = s.codes.remove(String.valueOf(p.get("code")));
            if (entry == null) {
                tokenError(ex, withings, "invalid_grant");
                return;
            }
            String challenge = s.challenges.remove(p.get("code"));
            if (challenge != null && !challenge.equals(s256(p.getOrDefault("code_verifier", "")))) {
                tokenError(ex, withings, "invalid_grant");
                return;
            }
            user = entry.split("\n")[0];
        } else if ("refresh_token".equals(p.get("grant_type"))) {
            String rt = p.getOrDefault("refresh_token", "");
            user = s.rotatesRefreshTokens ? s.refreshTokens.remove(rt) : s.refreshTokens.get(rt);
            if (user == null) {
                tokenError(ex, withings, "invalid_grant");
                return;
            }
            s.refreshes.incrementAndGet();
        } else {
            tokenError(ex, withings, "unsupported_grant_type");
            return;
        }
        String access = "sim-at-" + UUID.randomUUID();
        String refresh = s.rotatesRefreshTokens || !"refresh_token".equals(p.get("grant_type"))
                ? "sim-rt-" + UUID.randomUUID() : p.get("refresh_token");
        s.accessTokens.put(access, new String[] { user,
                String.valueOf(clock.instant().getEpochSecond() + s.accessTokenLifetime) });
        s.refreshTokens.put(refresh, user);
        grantsChanged.run();
        ObjectNode t = EventJson.object();
        t.put("access_token", access);
        t.put("token_type", "Bearer");
        t.put("expires_in", s.accessTokenLifetime);
        t.put("refresh_token", refresh);
        t.put("scope", p.getOrDefault("scope", "all"));
        if (withings) {
            t.put("userid", user);
            ObjectNode wrapped = EventJson.object();
            wrapped.put("status", 0);
            wrapped.set("body", t);
            ProviderSimulator.send(ex, 200, wrapped);
        } else if (s.provider.equals("polar")) {
            t.put("x_user_id", user);
            t.put("expires_in", 315359999);
            t.remove("refresh_token");
            s.accessTokens.put(access, new String[] { user, String.valueOf(clock.instant().getEpochSecond() + 315359999L) });
            ProviderSimulator.send(ex, 200, t);
        } else if (s.provider.equals("strava")) {
            t.putObject("athlete").put("id", user);
            ProviderSimulator.send(ex, 200, t);
        } else {
            t.put("user_id", user);
            ProviderSimulator.send(ex, 200, t);
        }
    }

    private static void tokenError(HttpExchange ex, boolean withings, String error) throws IOException {
        if (withings) {
            ProviderSimulator.send(ex, 200, EventJson.object().put("status", 401).put("error", error));
        } else {
            ProviderSimulator.send(ex, 400, EventJson.object().put("error", error));
        }
    }

    private static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
