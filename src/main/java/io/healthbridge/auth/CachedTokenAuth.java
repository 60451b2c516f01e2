package io.healthbridge.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Base of the app-token processors: fetches a token, keeps it until shortly before it expires, adds it as Bearer. */
abstract class CachedTokenAuth implements Processor {

    static final Duration SKEW = Duration.ofSeconds(60);

    private final Clock clock = Clock.systemUTC();
    private TokenSet cached;

    protected abstract TokenSet fetch();

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setHeader("Authorization", "Bearer " + token());
    }

    synchronized String token() {
        Instant now = clock.instant();
        if (cached == null || cached.expiresAt() != null && cached.expiresAt().isBefore(now.plus(SKEW))) {
            cached = fetch();
        }
        return cached.accessToken();
    }
}
