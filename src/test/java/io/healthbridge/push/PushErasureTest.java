package io.healthbridge.push;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.healthbridge.crypto.SecretBox;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.store.Connection;
import io.healthbridge.store.Database;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.JdbcConnectionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push notification whose user is erased between the moment their connection was found and the moment the
 * notification would be stored is refused (404) and not kept: the erasure's delete has already run, so a row stored
 * then would hold their data after it. Found after the erasure (the person connected again), it is stored.
 */
class PushErasureTest {

    @TempDir
    Path data;

    @Test
    void aNotificationOfAPersonErasedWhileItCameInIsRefusedAndNotStored() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(data), "sa", "", 4);
             DefaultCamelContext camel = new DefaultCamelContext()) {
            Clock clock = Clock.systemUTC();
            JdbcConnectionStore connections = new JdbcConnectionStore(db.dataSource(), new SecretBox(new byte[32]),
                    clock);
            connections.upsert("pia", "oura", "oura-pia", "access", "refresh", Instant.now().plusSeconds(3600), "daily",
                    "UTC");
            PushInbox inbox = new PushInbox(db.dataSource(), clock);
            ErasureGate gate = new ErasureGate();
            boolean[] eraseMeanwhile = {true};
            PushHandler handler = new PushHandler() {
                @Override
                public String provider() {
                    return "oura";
                }

                @Override
                public void handle(PushRequest r) throws io.healthbridge.provider.PushRefused {
                    Connection c = r.connection("oura-pia");
                    if (eraseMeanwhile[0]) {
                        gate.erasing("pia");
                        gate.erased("pia");
                    }
                    r.accept(c, List.of("sleep"), "{\"user_id\":\"oura-pia\"}");
                }
            };
            PushReceiver receiver = new PushReceiver(connections, List.of(handler), inbox, (k, d) -> d,
                    new SimpleMeterRegistry());
            receiver.setErasureGate(gate);

            Exchange late = post(camel, receiver);
            assertThat(late.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(404);
            assertThat(inbox.count("pending")).isZero();

            eraseMeanwhile[0] = false;
            Exchange after = post(camel, receiver);
            assertThat(after.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
            assertThat(inbox.count("pending")).isEqualTo(1);
        }
    }

    static Exchange post(DefaultCamelContext camel, PushReceiver receiver) throws Exception {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader("provider", "oura");
        e.getIn().setBody(new byte[0]);
        receiver.process(e);
        return e;
    }
}
