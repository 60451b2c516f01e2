package io.healthbridge.delivery.webhook;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

import com.sun.net.httpserver.HttpServer;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.store.Database;
import io.healthbridge.store.JdbcEventStore;
import io.healthbridge.support.MovingClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delivery the fan-out sends at once is written once, with its first attempt's outcome, and the outbox holds its
 * event until then: a process that dies first sends it again after the restart, and sends nothing twice that it had
 * written. The delivery log shows it as sending meanwhile. A delivery whose event is erased while in flight leaves no
 * row; one replayed meanwhile is not lost; one whose claim runs out is handed back as pending.
 */
class FirstAttemptWriteTest {

    final MovingClock clock = new MovingClock();
    final List<String> received = new CopyOnWriteArrayList<>();
    final Map<String, Integer> sent = new ConcurrentHashMap<>();
    final CountDownLatch answer = new CountDownLatch(1);
    /** Events whose deliveries the receiver answers at once; it holds the others until {@code answer} opens. */
    final java.util.Set<String> answerAtOnce = ConcurrentHashMap.newKeySet();
    final ExecutorService executor = Executors.newFixedThreadPool(4);
    HttpServer receiver;
    Database db;
    WebhookStore store;
    JdbcEventStore events;
    WebhookDispatcher dispatcher;
    String endpoint;

    @BeforeEach
    void setUp() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        receiver.setExecutor(Executors.newFixedThreadPool(8));
        receiver.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            sent.merge(id, 1, Integer::sum);
            try {
                if (!answerAtOnce.contains(id)) {
                    answer.await(20, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(id);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        db = open();
        store = new WebhookStore(db.dataSource(), new SecretBox(new byte[32]), clock);
        events = new JdbcEventStore(db.dataSource(), clock);
        dispatcher = dispatcher(store, events);
        endpoint = store.endpoints().create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", null,
                List.of("health.*"), null, WebhookEndpoint.CLOUDEVENTS, true, "whsec_" + "A".repeat(32)).id();
    }

    /** The store under test: embedded H2 here, PostgreSQL in {@link FirstAttemptWriteOnPostgresTest}. */
    Database open() throws Exception {
        return Database.open("jdbc:h2:mem:first" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
    }

    WebhookDispatcher dispatcher(WebhookStore s, JdbcEventStore e) {
        WebhookDispatcher d = new WebhookDispatcher(s, e, new TargetPolicy("127.0.0.1"),
                new WebhookDispatcher.Settings(List.of(Duration.ofMinutes(1)), Duration.ofSeconds(5), Duration.ofDays(1),
                        4, Duration.ofHours(1), Duration.ofSeconds(30)),
                new SimpleMeterRegistry(), clock, executor);
        d.initCursor();
        return d;
    }

    @AfterEach
    void tearDown() {
        answer.countDown();
        dispatcher.close();
        receiver.stop(0);
        executor.shutdownNow();
        db.close();
    }

    CanonicalEvent publish(int n) {
        MappingContext ctx = new MappingContext("oura", "u1", "p1", clock.instant(), null);
        CanonicalEvent e = EventBuilder.of(DataType.HEART_RATE, ctx).sourceRecordId("r" + n)
                .at(OffsetDateTime.parse("2026-11-24T09:00:00Z").plusMinutes(n))
                .value(new BigDecimal(60 + n), DataType.HEART_RATE.unit()).build();
        assertThat(events.insert(e)).isTrue();
        return e;
    }

    /** An event published and fanned out, its one delivery sent and held by the receiver: its first attempt. */
    CanonicalEvent inFirstAttempt() {
        CanonicalEvent e = publish(1);
        assertThat(dispatcher.fanOut()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.containsKey(e.id()));
        return e;
    }

    /** The delivery rows of the event, as "status/attempts/last status code". */
    List<String> rows(String eventId) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE event_id = ?")) {
            ps.setString(1, eventId);
            List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getObject(3));
                }
            }
            return out;
        }
    }

    /** Lets the cursor's save interval pass, so the next round saves it wherever the outbox allows. */
    long cursorAfterARound() {
        clock.now = clock.now.plus(WebhookDispatcher.CURSOR_SAVE_EVERY);
        dispatcher.fanOut();
        return store.cursor(WebhookDispatcher.CURSOR);
    }

    @Test
    void aDeliverySentAtOnceIsWrittenOnlyWithItsOutcomeAndTheOutboxHoldsItsEventUntilThen() throws Exception {
        CanonicalEvent e = inFirstAttempt();

        assertThat(rows(e.id())).as("nothing written while the first attempt is under way").isEmpty();
        assertThat(store.log().deliveries(endpoint, "sending", 10, 0)).extracting(WebhookDelivery::eventId)
                .containsExactly(e.id());
        assertThat(store.log().countDeliveries(endpoint, null)).isEqualTo(1);
        assertThat(store.backlog()).isEqualTo(1);
        assertThat(cursorAfterARound()).as("the outbox holds the event").isZero();

        answer.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> rows(e.id()).equals(List.of("delivered/1/200")));
        assertThat(store.log().deliveries(endpoint, null, 10, 0)).extracting(WebhookDelivery::status)
                .containsExactly(WebhookDelivery.DELIVERED);
        assertThat(store.backlog()).isZero();
        assertThat(cursorAfterARound()).isEqualTo(events.latestSeq());
    }

    @Test
    void aProcessThatDiesBeforeTheWriteSendsAgainAfterRestartAndNothingWrittenTwice() throws Exception {
        // the first process writes through a connection pool that dies with it
        AtomicBoolean dead = new AtomicBoolean();
        DataSource dying = dying(db.dataSource(), dead);
        WebhookStore firstStore = new WebhookStore(dying, new SecretBox(new byte[32]), clock);
        JdbcEventStore firstEvents = new JdbcEventStore(dying, clock);
        dispatcher.close();
        dispatcher = dispatcher(firstStore, firstEvents);
        CanonicalEvent written = publish(1);
        CanonicalEvent inFlight = publish(2);
        answerAtOnce.add(written.id());
        dispatcher.fanOut();
        await().atMost(Duration.ofSeconds(5)).until(() -> rows(written.id()).equals(List.of("delivered/1/200"))
                                                          && sent.containsKey(inFlight.id()));
        assertThat(firstStore.cursor(WebhookDispatcher.CURSOR)).as("held before both events").isZero();
        dead.set(true); // SIGKILL: the answer to the request in flight is never written
        answer.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(inFlight.id()));

        WebhookDispatcher restarted = dispatcher(store, events);
        try {
            assertThat(restarted.fanOut()).as("only the delivery never written is made again").isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> rows(inFlight.id()).equals(List.of("delivered/1/200")));
            assertThat(sent).containsEntry(written.id(), 1).containsEntry(inFlight.id(), 2);
            assertThat(rows(written.id())).containsExactly("delivered/1/200");
        } finally {
            restarted.close();
        }
    }

    @Test
    void aDeliveryOfAnEventErasedWhileInFlightLeavesNoRow() throws Exception {
        CanonicalEvent e = inFirstAttempt();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE id = ?")) {
            ps.setString(1, e.id());
            ps.executeUpdate();
        }
        answer.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.backlog() == 0);
        assertThat(rows(e.id())).isEmpty();
        assertThat(store.oldestUnwritten()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aReplayDuringTheFirstAttemptIsNotLost() throws Exception {
        CanonicalEvent e = inFirstAttempt();
        assertThat(store.addDelivery(endpoint, e.id(), e.type(), null)).as("replayed").isTrue();
        answer.countDown();
        dispatcher.dispatchDue();
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.get(e.id()) == 2 && store.backlog() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> rows(e.id()).equals(List.of("delivered/1/200")));
        assertThat(store.oldestUnwritten()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFirstAttemptWhoseClaimRanOutIsHandedBackAsPendingAndItsAnswerIsWrittenOntoThatRow() throws Exception {
        CanonicalEvent e = inFirstAttempt();
        clock.now = clock.now.plus(Duration.ofSeconds(11)); // the claim: twice the 5 s timeout
        assertThat(store.releaseExpiredClaims()).isEqualTo(1);
        assertThat(rows(e.id())).containsExactly("pending/0/null");
        assertThat(store.oldestUnwritten()).isEqualTo(Long.MAX_VALUE);

        // its answer is written onto that row; the row, pending, may be sent again meanwhile (at least once): every
        // attempt counted, none lost
        answer.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> rows(e.id()).equals(List.of("delivered/" + sent.get(e.id())
                                                                                          + "/200")));
    }

    /** The pool as a killed process leaves it: once {@code dead}, no connection is to be had. */
    static DataSource dying(DataSource real, AtomicBoolean dead) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && dead.get()) {
                        throw new SQLException("the process is gone");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }
}
