package io.healthbridge.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.provider.MapperRegistry;
import io.healthbridge.store.Database;
import io.healthbridge.store.ErasureGate;
import io.healthbridge.store.JdbcDeadLetterStore;
import io.healthbridge.store.JdbcEventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingest route on its own, under camel-main with the embedded bus and an in-memory store: a payload's events are
 * stored together and reach the bus in one message; the same payload again publishes nothing; a bad record is a dead
 * letter stored with its siblings.
 */
class IngestRouteTest extends CamelMainTestSupport {

    private final Database database = Database.open("jdbc:h2:mem:ingest-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
            "sa", "", 4);
    private final JdbcEventStore events = new JdbcEventStore(database.dataSource(), Clock.systemUTC(), true);
    private final JdbcDeadLetterStore deadLetters = new JdbcDeadLetterStore(database.dataSource());
    private final EventHub hub = new EventHub();
    private final List<CanonicalEvent> onBus = new CopyOnWriteArrayList<>();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addRoutesBuilder(new PublishRoutes());
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("healthbridge.bus", "embedded");
        p.setProperty("healthbridge.bus.uri", "seda:ingest-test-bus");
        return p;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("eventPipeline", new EventPipeline(MapperRegistry.withBuiltIns(), new SchemaRegistry(), events,
                new SimpleMeterRegistry(), Clock.systemUTC()));
        hub.addListener(onBus::add);
        registry.bind("eventHub", hub);
    }

    @AfterEach
    void closeStore() {
        database.close();
    }

    IngestSummary ingest(String fixture, String dataset, String user) throws Exception {
        return template.requestBodyAndHeaders("direct:ingest", Files.readString(Path.of("src/test/resources/fixtures",
                fixture)), Map.of(HealthbridgeHeaders.PROVIDER, "oura", HealthbridgeHeaders.DATASET, dataset,
                HealthbridgeHeaders.USER_ID, user, HealthbridgeHeaders.PROVIDER_USER_ID, "oura-" + user,
                HealthbridgeHeaders.ZONE, "Europe/Berlin"), IngestSummary.class);
    }

    @Test
    void aPayloadIsStoredTogetherAndReachesTheBusAsOneMessage() throws Exception {
        NotifyBuilder handedOff = new NotifyBuilder(context).fromRoute("event-bus-dispatch").whenDone(1).create();
        NotifyBuilder more = new NotifyBuilder(context).fromRoute("event-bus-dispatch").whenDone(2).create();
        IngestSummary s = ingest("oura/realistic/sleep.json", "sleep", "u1");

        assertThat(s.published()).isGreaterThan(1);
        assertThat(events.count()).isEqualTo(s.published());
        assertThat(handedOff.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onBus).hasSize(s.published());
        assertThat(more.matches(1, TimeUnit.SECONDS)).as("one bus message for the whole payload").isFalse();
    }

    @Test
    void theSamePayloadAgainPublishesNothing() throws Exception {
        IngestSummary first = ingest("oura/realistic/sleep.json", "sleep", "u2");
        NotifyBuilder second = new NotifyBuilder(context).fromRoute("event-ingest").whenDone(1).create();
        IngestSummary again = ingest("oura/realistic/sleep.json", "sleep", "u2");

        assertThat(second.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(again.published()).isZero();
        assertThat(again.duplicates()).isEqualTo(first.published());
        assertThat(events.count()).isEqualTo(first.published());
    }

    @Test
    void aBadRecordIsADeadLetterStoredWithItsSiblings() throws Exception {
        // three good samples and one without a UTC offset
        IngestSummary s = ingest("oura/realistic/heartrate.json", "heartrate", "u3");

        assertThat(s.records()).isEqualTo(4);
        assertThat(s.published()).isEqualTo(3);
        assertThat(s.deadLettered()).isEqualTo(1);
        assertThat(events.count()).isEqualTo(3);
        assertThat(deadLetters.count("oura", null)).isEqualTo(1);
    }

    @Test
    void whatWorkBegunBeforeAPersonsErasureBringsIsNeitherStoredNorDeadLetteredAfterIt() throws Exception {
        long before = ErasureGate.now();
        events.erasureGate().erasing("u4");
        events.erasureGate().erased("u4");
        IngestSummary s = template.requestBodyAndHeaders("direct:ingest", Files.readString(Path.of(
                "src/test/resources/fixtures/oura/realistic/heartrate.json")), Map.of(HealthbridgeHeaders.PROVIDER,
                "oura", HealthbridgeHeaders.DATASET, "heartrate", HealthbridgeHeaders.USER_ID, "u4",
                HealthbridgeHeaders.ZONE, "Europe/Berlin", HealthbridgeHeaders.WORK_BEGAN, before), IngestSummary.class);
        // three samples and a dead letter: each a skip, nothing kept
        assertThat(s.records()).isEqualTo(4);
        assertThat(s.published()).isZero();
        assertThat(s.deadLettered()).isZero();
        assertThat(s.skippedByReason()).containsEntry("person_erased", 4);
        assertThat(events.count()).isZero();
        assertThat(deadLetters.count("oura", null)).isZero();

        // a single event that breaks an invariant (a route file's), from work begun before the erasure: not kept
        MappingContext ctx = new MappingContext("oura", "u4", null, Instant.now(), null);
        CanonicalEvent implausible = EventBuilder.of(DataType.HEART_RATE, ctx).sourceRecordId("hr-500")
                .at(OffsetDateTime.parse("2026-11-20T07:00:00Z")).value(new BigDecimal("500"), "/min").build();
        template.sendBodyAndHeader("direct:publish", implausible, HealthbridgeHeaders.WORK_BEGAN, before);
        assertThat(deadLetters.count("oura", null)).isZero();
        // begun now (the person connected again): dead-lettered as ever
        template.sendBody("direct:publish", implausible);
        assertThat(deadLetters.count("oura", null)).isEqualTo(1);
    }
}
