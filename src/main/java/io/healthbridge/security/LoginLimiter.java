package io.healthbridge.security;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.healthbridge.quota.QuotaSpec;

/**
 * Login attempts allowed per client address and per username from that address (Bucket4j token buckets, e.g.
 * {@code 5/1m}), so nobody can lock an operator out by failing logins from another address; an
 * attempt beyond them is refused with the time to wait, before any password is checked. At most {@code maxKeys}
 * addresses and names are tracked, so a flood of invented names cannot grow memory without bound.
 */
public class LoginLimiter {

    private final QuotaSpec perUser;
    private final QuotaSpec perAddress;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public LoginLimiter(QuotaSpec perUser, QuotaSpec perAddress, int maxKeys) {
        this.perUser = perUser;
        this.perAddress = perAddress;
        this.maxKeys = maxKeys;
    }

    /** Takes one attempt for the address and the username; the wait when either is used up. */
    public Optional<Duration> attempt(String address, String username) {
        if (buckets.size() > maxKeys) {
            buckets.clear(); // crude but bounded; a flood this large resets to fresh (still limited) buckets
        }
        // a username's attempts count per address: failures from elsewhere never lock its owner out
        for (String key : new String[] { "a:" + address, "u:" + Operators.normalise(username) + "@" + address }) {
            QuotaSpec spec = key.startsWith("a:") ? perAddress : perUser;
            if (spec.isUnlimited()) {
                continue;
            }
            ConsumptionProbe probe = buckets.computeIfAbsent(key, k -> build(spec)).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
        }
        return Optional.empty();
    }

    private static Bucket build(QuotaSpec spec) {
        var b = Bucket.builder();
        for (QuotaSpec.Limit l : spec.limits()) {
            b.addLimit(Bandwidth.builder().capacity(l.requests()).refillGreedy(l.requests(), l.window()).build());
        }
        return b.build();
    }
}
