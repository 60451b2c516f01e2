package io.healthbridge.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider request quotas, applied before every call: one Bucket4j bucket per provider app and one per user, each
 * with the provider's windows (per minute, per day, …) refilled at the window boundaries of the wall clock, as
 * providers count them. A 429, a {@code Retry-After} or rate-limit headers saying nothing is left pause the provider
 * until the time they name.
 */
public class QuotaGate {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaGate.class);

    private record Buckets(QuotaSpec spec, Bucket bucket) {
    }

    private final Clock clock;
    private final Map<String, Buckets> apps = new ConcurrentHashMap<>();
    private final Map<String, Buckets> users = new ConcurrentHashMap<>();
    private final Map<String, QuotaSpec> userSpecs = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

    /** Makes the bucket of a key from its limits: in this process, or in a store every instance shares. */
    public interface BucketFactory {
        Bucket create(String key, QuotaSpec spec, List<Bandwidth> limits);
    }

    private final BucketFactory factory;

    /** Buckets in this process (one instance). */
    public QuotaGate(Clock clock) {
        this(clock, (key, spec, limits) -> {
            LocalBucketBuilder b = Bucket.builder();
            limits.forEach(b::addLimit);
            return b.build();
        });
    }

    public QuotaGate(Clock clock, BucketFactory factory) {
        this.clock = clock;
        this.factory = factory;
    }

    /**
     * Buckets in PostgreSQL (Bucket4j's {@code SELECT … FOR UPDATE} proxy manager on the {@code quota_buckets} table):
     * every instance takes its requests from the same buckets, so N instances together stay within a provider's
     * quota. A changed quota replaces the stored configuration (keeping the tokens already used).
     */
    public static QuotaGate shared(Clock clock, DataSource dataSource) {
        var proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("quota_buckets").idColumn("id").stateColumn("state").build();
        return new QuotaGate(clock, (key, spec, limits) -> proxies.builder()
                .withImplicitConfigurationReplacement(spec.limits().hashCode() & 0x7fffffffL,
                        TokensInheritanceStrategy.AS_IS)
                .build(key, () -> {
                    var config = BucketConfiguration.builder();
                    limits.forEach(config::addLimit);
                    return config.build();
                }));
    }

    /** Sets a provider's quotas; unchanged specs keep their buckets (and what they already counted). */
    public synchronized void configure(String provider, QuotaSpec app, QuotaSpec perUser) {
        Buckets current = apps.get(provider);
        if (current == null || !current.spec.equals(app)) {
            apps.put(provider, new Buckets(app, build("app:" + provider, app)));
            if (current != null) {
                LOG.info("Quota of {} changed to {}", provider, app.limits());
            }
        }
        QuotaSpec previous = userSpecs.put(provider, perUser);
        if (previous != null && !previous.equals(perUser)) {
            users.keySet().removeIf(k -> k.startsWith(provider + "\u0000"));
        }
    }

    private Bucket build(String key, QuotaSpec spec) {
        if (spec.isUnlimited()) {
            return null;
        }
        List<Bandwidth> limits = new ArrayList<>();
        Instant now = clock.instant();
        for (QuotaSpec.Limit l : spec.limits()) {
            long windowMillis = l.window().toMillis();
            Instant nextBoundary = Instant.ofEpochMilli((now.toEpochMilli() / windowMillis + 1) * windowMillis);
            limits.add(Bandwidth.builder().capacity(l.requests())
                    .refillIntervallyAlignedWithAdaptiveInitialTokens(l.requests(), l.window(), nextBoundary).build());
        }
        return factory.create(key, spec, limits);
    }

    /**
     * Takes one request from the provider's and the user's quota, waiting up to {@code maxWait} for one.
     *
     * @throws QuotaExhaustedException when none comes within {@code maxWait}
     */
    public void acquire(String provider, String userId, Duration maxWait) throws InterruptedException {
        Instant deadline = clock.instant().plus(maxWait);
        while (true) {
            Duration wait = tryTake(provider, userId);
            if (wait.isZero()) {
                return;
            }
            Instant until = clock.instant().plus(wait);
            if (until.isAfter(deadline)) {
                throw new QuotaExhaustedException(provider + " quota exhausted for " + wait.toSeconds() + " s", wait);
            }
            Thread.sleep(Math.max(1, wait.toMillis()));
        }
    }

    private synchronized Duration tryTake(String provider, String userId) {
        Instant paused = pausedUntil.get(provider);
        Instant now = clock.instant();
        if (paused != null && paused.isAfter(now)) {
            return Duration.between(now, paused);
        }
        Bucket app = bucket(apps.get(provider));
        Bucket user = userBucket(provider, userId);
        // each take is atomic in its bucket (and, shared, across instances); a user token taken when the app has
        // none left is given back
        if (user != null) {
            ConsumptionProbe p = user.tryConsumeAndReturnRemaining(1);
            if (!p.isConsumed()) {
                return Duration.ofNanos(Math.max(1, p.getNanosToWaitForRefill()));
            }
        }
        if (app != null) {
            ConsumptionProbe p = app.tryConsumeAndReturnRemaining(1);
            if (!p.isConsumed()) {
                if (user != null) {
                    user.addTokens(1);
                }
                return Duration.ofNanos(Math.max(1, p.getNanosToWaitForRefill()));
            }
        }
        return Duration.ZERO;
    }

    private static Bucket bucket(Buckets b) {
        return b == null ? null : b.bucket;
    }

    private Bucket userBucket(String provider, String userId) {
        QuotaSpec spec = userSpecs.get(provider);
        if (spec == null || spec.isUnlimited() || userId == null) {
            return null;
        }
        return users.computeIfAbsent(provider + "\u0000" + userId,
                k -> new Buckets(spec, build("user:" + provider + ":" + userId, spec))).bucket;
    }

    /** Pauses every call to the provider until {@code until} (from Retry-After or rate-limit headers). */
    public void pause(String provider, Instant until) {
        pausedUntil.merge(provider, until, (a, b) -> a.isAfter(b) ? a : b);
        LOG.info("Calls to {} paused until {} at the provider's request", provider, until);
    }

    public Instant pausedUntil(String provider) {
        return pausedUntil.get(provider);
    }

    /** Requests left in the tightest window of the provider's app quota, or -1 without a quota. */
    public long remaining(String provider) {
        Bucket app = bucket(apps.get(provider));
        return app == null ? -1 : app.getAvailableTokens();
    }
}
