package io.healthbridge.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.healthbridge.event.EventJson;
import io.healthbridge.quota.QuotaSpec;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Request rate limits on every HTTP surface, taken before any route runs: the management API per credential and per
 * client address, provider push endpoints per provider and per address, {@code /connect} per address, everything else
 * per address. A request over a limit is answered {@code 429 RATE_001} with {@code Retry-After}, in the API's error
 * format. Buckets live in this process, or in PostgreSQL when instances share it (Bucket4j, as provider quotas do).
 */
public final class RateLimits {

    /** What a surface is limited by. */
    public record Limits(QuotaSpec apiPerCredential, QuotaSpec apiPerAddress, QuotaSpec pushPerProvider,
            QuotaSpec pushPerAddress, QuotaSpec connectPerAddress, QuotaSpec otherPerAddress) {
    }

    /** Makes the bucket of a key: in this process or in a store the instances share. */
    public interface BucketFactory {
        Bucket create(String key, QuotaSpec spec);
    }

    /** Providers with a push endpoint: any other path segment counts as one "unknown" provider. */
    private static final Set<String> PROVIDERS = Set.of("oura", "withings", "fitbit", "whoop", "strava", "polar",
            "garmin", "google", "dexcom");
    private static final int MAX_LOCAL_BUCKETS = 100_000;

    private final Limits limits;
    private final BucketFactory factory;
    private final boolean shared;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_LOCAL_BUCKETS; // the least recently used key gives way: memory stays bounded
        }
    };

    private RateLimits(Limits limits, BucketFactory factory, boolean shared) {
        this.limits = limits;
        this.factory = factory;
        this.shared = shared;
    }

    /** Buckets in this process. */
    public static RateLimits local(Limits limits) {
        return new RateLimits(limits, (key, spec) -> {
            var b = Bucket.builder();
            bandwidths(spec).forEach(b::addLimit);
            return b.build();
        }, false);
    }

    /** Buckets in PostgreSQL's {@code quota_buckets} table, shared by every instance. */
    public static RateLimits shared(Limits limits, DataSource dataSource) {
        var proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("quota_buckets").idColumn("id").stateColumn("state").build();
        return new RateLimits(limits, (key, spec) -> proxies.builder()
                .withImplicitConfigurationReplacement(spec.limits().hashCode() & 0x7fffffffL,
                        TokensInheritanceStrategy.AS_IS)
                .build(key, () -> {
                    var config = BucketConfiguration.builder();
                    bandwidths(spec).forEach(config::addLimit);
                    return config.build();
                }), true);
    }

    private static List<Bandwidth> bandwidths(QuotaSpec spec) {
        List<Bandwidth> out = new ArrayList<>();
        for (QuotaSpec.Limit l : spec.limits()) {
            out.add(Bandwidth.builder().capacity(l.requests()).refillGreedy(l.requests(), l.window()).build());
        }
        return out;
    }

    /** Runs first on the HTTP router (after request ids), for every path. */
    public void attach(Router router) {
        router.route().order(-1900).handler(ctx -> {
            List<Map.Entry<String, QuotaSpec>> keys = keys(ctx);
            if (keys.stream().allMatch(k -> k.getValue().isUnlimited())) {
                ctx.next();
                return;
            }
            if (!shared) {
                decide(ctx, take(keys), false);
                return;
            }
            // a shared bucket is a database round trip: never on the event loop. The request waits paused, so
            // the handlers after this one still read its body and its end
            ctx.request().pause();
            ctx.vertx().<Optional<Duration>>executeBlocking(() -> take(keys), false)
                    .onComplete(r -> decide(ctx, r.succeeded() ? r.result() : Optional.empty(), true));
        });
    }

    private void decide(RoutingContext ctx, Optional<Duration> wait, boolean paused) {
        if (wait.isEmpty()) {
            ctx.next();
            if (paused && !ctx.request().isEnded()) {
                ctx.request().resume();
            }
            return;
        }
        if (!ctx.request().isEnded()) {
            // read what is left of the body and throw it away before answering, so the answer is not reset away
            ctx.request().handler(chunk -> { });
            ctx.request().resume();
        }
        long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
        String id = ctx.request().getHeader("X-Request-ID");
        id = id == null ? UUID.randomUUID().toString() : id;
        var details = EventJson.object().put("retry_after_seconds", seconds);
        String body = EventJson.write(EventJson.object().<ObjectNode>set("error",
                        EventJson.object().put("code", "RATE_001")
                                .put("message", "too many requests: try again in " + seconds + " s").set("details", details))
                .put("request_id", id).put("timestamp", Instant.now().toString()));
        ctx.response().setStatusCode(429).putHeader("Content-Type", "application/json")
                .putHeader("Retry-After", String.valueOf(seconds)).putHeader("X-Request-ID", id).end(body);
    }

    /** The buckets a request takes a token from, by surface. */
    List<Map.Entry<String, QuotaSpec>> keys(RoutingContext ctx) {
        String path = ctx.request().path() == null ? "/" : ctx.request().path();
        String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
        List<Map.Entry<String, QuotaSpec>> keys = new ArrayList<>(2);
        if (path.startsWith("/api/")) {
            String credential = credential(ctx);
            if (credential != null) {
                keys.add(Map.entry("rl:api:c:" + digest(credential), limits.apiPerCredential()));
            }
            keys.add(Map.entry("rl:api:a:" + address, limits.apiPerAddress()));
        } else if (path.startsWith("/providers/")) {
            String[] parts = path.split("/");
            String provider = parts.length > 2 ? parts[2].toLowerCase(Locale.ROOT) : "";
            keys.add(Map.entry("rl:push:p:" + (PROVIDERS.contains(provider) ? provider : "unknown"),
                    limits.pushPerProvider()));
            keys.add(Map.entry("rl:push:a:" + address, limits.pushPerAddress()));
        } else if (path.startsWith("/connect/")) {
            keys.add(Map.entry("rl:connect:a:" + address, limits.connectPerAddress()));
        } else {
            keys.add(Map.entry("rl:other:a:" + address, limits.otherPerAddress()));
        }
        return keys;
    }

    /** Takes one token from each bucket; the wait of the first that has none left. */
    Optional<Duration> take(List<Map.Entry<String, QuotaSpec>> keys) {
        for (Map.Entry<String, QuotaSpec> k : keys) {
            if (k.getValue().isUnlimited()) {
                continue;
            }
            Bucket bucket = bucket(k.getKey(), b -> factory.create(b, k.getValue()));
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
        }
        return Optional.empty();
    }

    private synchronized Bucket bucket(String key, Function<String, Bucket> make) {
        return buckets.computeIfAbsent(key, make);
    }

    private static String credential(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String key = ctx.request().getHeader("X-API-Key");
        return key == null || key.isBlank() ? null : key.trim();
    }

    /** A credential is never a bucket's name: its SHA-256, shortened. */
    private static String digest(String credential) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
