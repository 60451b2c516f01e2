package io.healthbridge.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import io.healthbridge.event.EventJson;
import io.healthbridge.security.AuthCheck;
import io.healthbridge.security.Authenticator;
import io.healthbridge.security.LoginLimiter;
import io.healthbridge.security.Operators;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The API's admin authentication in front of Camel's management server ({@code /observe/*}: Jolokia, its health and
 * metrics), which shares the main port. Jolokia can stop routes, read memory and invoke any MBean operation, so only
 * an admin passes: an admin API key or operator access token ({@code Authorization: Bearer}, {@code X-API-Key}), or an
 * admin operator's username and password as HTTP Basic, which is what Hawtio sends when it connects to a remote
 * Jolokia. Basic attempts are limited like logins; Hawtio polls every few seconds, so a pair that passed is
 * remembered (as its digest) for {@link #REMEMBERED}, and only new pairs are hashed and counted. The check runs off
 * the event loop (a key is a store look-up, a password a deliberate hash) while the request waits paused.
 */
public final class ObserveGuard {

    static final String PATH = "/observe/*";
    static final Duration REMEMBERED = Duration.ofMinutes(1);
    private static final int MAX_REMEMBERED = 256;
    private static final String REALM = "Basic realm=\"Healthbridge management\", charset=\"UTF-8\"";

    private ObserveGuard() {
    }

    public static void attach(Router router, Authenticator authenticator, Operators operators, LoginLimiter limiter) {
        Map<String, Passed> passed = new ConcurrentHashMap<>();
        router.route(PATH).order(-1800).handler(ctx -> {
            String auth = ctx.request().getHeader("Authorization");
            Callable<Object> check;
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                String address = ctx.request().remoteAddress() == null ? "unknown"
                        : ctx.request().remoteAddress().hostAddress();
                check = () -> remembered(passed, auth.substring(6).trim(), () -> basic(auth.substring(6).trim(),
                        address, operators, limiter));
            } else {
                String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim()
                        : ctx.request().getHeader("X-API-Key");
                if (key == null || key.isBlank()) {
                    unauthorized(ctx, "an admin's API key, access token, or username and password (Basic) is required");
                    return;
                }
                check = () -> authenticator.check(key.trim());
            }
            ctx.request().pause();
            ctx.vertx().executeBlocking(check, false).onComplete(r -> {
                if (r.failed()) {
                    resume(ctx);
                    ApiErrors.refuse(ctx, 503, "SYS_002", "the credential cannot be checked now; try again shortly");
                } else if (r.result() instanceof Duration wait) {
                    resume(ctx);
                    ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())));
                    ApiErrors.refuse(ctx, 429, "RATE_001", "too many sign-in attempts; try again later");
                } else if (!(r.result() instanceof AuthCheck c) || !c.ok()) {
                    resume(ctx);
                    unauthorized(ctx, r.result() instanceof AuthCheck c ? c.message() : "invalid username or password");
                } else if (!c.principal().may("POST")) {
                    resume(ctx);
                    ApiErrors.refuse(ctx, 403, "AUTH_003", "only an admin may use Camel's management server");
                } else {
                    ctx.next();
                    resume(ctx);
                }
            });
        });
    }

    /** Who a Basic pair that passed within the last minute is; otherwise the full check, remembered when it passes. */
    private static Object remembered(Map<String, Passed> passed, String encoded, Callable<Object> check)
            throws Exception {
        String digest = EventJson.sha256(encoded);
        long now = System.nanoTime();
        Passed p = passed.get(digest);
        if (p != null && now - p.at < REMEMBERED.toNanos()) {
            return p.check;
        }
        Object result = check.call();
        if (result instanceof AuthCheck c && c.ok()) {
            if (passed.size() >= MAX_REMEMBERED) {
                passed.clear();
            }
            passed.put(digest, new Passed(c, now));
        } else {
            passed.remove(digest);
        }
        return result;
    }

    private record Passed(AuthCheck check, long at) {
    }

    /** An operator's Basic credentials: the check, the wait when attempts are used up, or null when unreadable. */
    private static Object basic(String encoded, String address, Operators operators, LoginLimiter limiter) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String username = pair.substring(0, colon);
        Optional<Duration> wait = limiter.attempt(address, username);
        if (wait.isPresent()) {
            return wait.get();
        }
        return operators.check(username, pair.substring(colon + 1)).map(o -> AuthCheck.ok(o.principal(), null))
                .orElse(AuthCheck.fail("AUTH_001", "invalid username or password"));
    }

    private static void unauthorized(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", REALM);
        ApiErrors.refuse(ctx, 401, "AUTH_001", message);
    }

    private static void resume(RoutingContext ctx) {
        if (!ctx.request().isEnded()) {
            ctx.request().resume();
        }
    }
}
