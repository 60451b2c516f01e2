package io.healthbridge.push;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.healthbridge.admin.Maintenance;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.provider.ProviderRegistry;
import io.healthbridge.provider.PushSignatures;
import io.healthbridge.provider.oura.OuraPush;
import io.healthbridge.store.Database;
import io.healthbridge.store.JdbcConnectionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One provider's push route on its own, under camel-main (its HTTP consumer replaced by a direct one): an Oura notification
 * signed with the client secret is stored in the inbox and acknowledged; the same notification again is a replay
 * (409); a forged one is refused (401); nothing refused is stored.
 */
class PushRouteTest extends CamelMainTestSupport {

    static final String SECRET = "oura-client-secret-for-tests";

    private final Database database = Database.open("jdbc:h2:mem:push-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
            "sa", "", 4);
    private final PushInbox inbox = new PushInbox(database.dataSource(), Clock.systemUTC());

    /** The inbox is processed elsewhere: this test looks at what the route stored. */
    public static class NoProcessing {
        public void run() {
        }
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addRoutesBuilder(new PushRoutes());
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        // the route as it is, reached without an HTTP server: headers as platform-http sets them
        configuration.replaceRouteFromWith("push-receive", "direct:push-receive");
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("healthbridge.push.poll-interval-ms", "3600000");
        return p;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        Clock clock = Clock.systemUTC();
        JdbcConnectionStore connections = new JdbcConnectionStore(database.dataSource(), new SecretBox(new byte[32]),
                clock);
        connections.upsert("pia", "oura", "oura-pia", "access", "refresh", Instant.now().plusSeconds(3600), "daily",
                "Europe/Berlin");
        ProviderRegistry providers = ProviderRegistry.withBuiltIns((key, def) -> key.equals("oura.client-secret")
                ? SECRET : def, null);
        PushReceiver receiver = new PushReceiver(connections, List.of(new OuraPush(providers, clock)), inbox,
                (key, def) -> def, new SimpleMeterRegistry());
        receiver.setReplayGuard(new ReplayGuard(database.dataSource(), clock, PushSignatures.TOLERANCE));
        registry.bind("pushReceiver", receiver);
        registry.bind("maintenance", new Maintenance(database.dataSource(), clock));
        registry.bind("pushProcessor", new NoProcessing());
    }

    @AfterEach
    void closeStore() {
        database.close();
    }

    Exchange post(String body, long timestamp, String secret) {
        String signature = HexFormat.of().withUpperCase().formatHex(PushSignatures.hmac(secret,
                (timestamp + body).getBytes(StandardCharsets.UTF_8)));
        return template.request("direct:push-receive", e -> {
            e.getIn().setHeader("provider", "oura");
            e.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
            e.getIn().setHeader("x-oura-timestamp", String.valueOf(timestamp));
            e.getIn().setHeader("x-oura-signature", signature);
            e.getIn().setBody(body.getBytes(StandardCharsets.UTF_8));
        });
    }

    static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    @Test
    void aSignedNotificationIsStoredOnceAndAForgedOneNever() throws Exception {
        String body = "{\"event_type\":\"create\",\"data_type\":\"sleep\",\"object_id\":\"o-1\",\"user_id\":\"oura-pia\"}";
        long now = Instant.now().getEpochSecond();
        NotifyBuilder three = new NotifyBuilder(context).fromRoute("push-receive").whenDone(3).create();

        Exchange accepted = post(body, now, SECRET);
        Exchange replayed = post(body, now, SECRET);
        Exchange forged = post(body.replace("o-1", "o-2"), now, "not-the-secret");

        assertThat(three.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(status(accepted)).isEqualTo(200);
        assertThat(accepted.getMessage().getBody(String.class)).contains("accepted");
        assertThat(status(replayed)).isEqualTo(409);
        assertThat(status(forged)).isEqualTo(401);
        assertThat(inbox.count("pending")).as("only the genuine notification is stored").isEqualTo(1);
    }
}
