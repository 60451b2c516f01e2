package io.healthbridge.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed connect link holds for its user, its provider and its lifetime only. */
class ConnectLinksTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static Map<String, String> query(String q) {
        Map<String, String> m = new HashMap<>();
        for (String pair : q.split("&")) {
            String[] kv = pair.split("=", 2);
            m.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void aLinkExpiresAndCannotBeMovedToAnotherUserOrProvider() {
        ConnectLinks issuer = new ConnectLinks(KEY, Clock.fixed(T0, ZoneOffset.UTC), true);
        Map<String, String> q = query(issuer.query("oura", "ann", Duration.ofMinutes(10)));
        assertThat(issuer.problem("oura", "ann", q.get("expires"), q.get("sig"))).isNull();
        assertThat(issuer.problem("oura", "bob", q.get("expires"), q.get("sig"))).contains("not valid");
        assertThat(issuer.problem("polar", "ann", q.get("expires"), q.get("sig"))).contains("not valid");
        long later = Long.parseLong(q.get("expires")) + 3600;
        assertThat(issuer.problem("oura", "ann", String.valueOf(later), q.get("sig"))).contains("not valid");
        assertThat(issuer.problem("oura", "ann", null, null)).contains("not signed");

        ConnectLinks afterwards = new ConnectLinks(KEY, Clock.fixed(T0.plus(Duration.ofMinutes(11)), ZoneOffset.UTC), true);
        assertThat(afterwards.problem("oura", "ann", q.get("expires"), q.get("sig"))).contains("expired");
        ConnectLinks otherKey = new ConnectLinks("another-key-another-key-another!".getBytes(),
                Clock.fixed(T0, ZoneOffset.UTC), true);
        assertThat(otherKey.problem("oura", "ann", q.get("expires"), q.get("sig"))).contains("not valid");
    }
}
