package io.healthbridge.push;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import io.healthbridge.event.EventJson;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.ProviderPoller;
import io.healthbridge.provider.TimeWindow;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes stored push notifications ({@code push-process} route): each one syncs the datasets it names for its
 * connection now, through the poller's quota, breaker, retries and cursors. A failure is retried with backoff (2 s,
 * 4 s, … up to 5 minutes) and given up after 12 attempts, the notification kept with its last error.
 */
public class PushProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(PushProcessor.class);
    static final int MAX_ATTEMPTS = 12;

    private final PushInbox inbox;
    private final ConnectionStore connections;
    private final ProviderPoller poller;
    private final MeterRegistry meters;
    private final Clock clock;

    public PushProcessor(PushInbox inbox, ConnectionStore connections, ProviderPoller poller, MeterRegistry meters,
            Clock clock) {
        this.inbox = inbox;
        this.connections = connections;
        this.poller = poller;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Withings names the measurement window ({@code startdate}, {@code enddate}), which may lie before the cursor (a
     * late upload of old measurements): that window is fetched as it is, then the datasets are synced from their
     * cursors as usual.
     */
    private int withings(Connection c, PushInbox.Notification n) throws InterruptedException {
        var form = EventJson.read(n.body());
        long start = form.path("startdate").asLong(0);
        long end = form.path("enddate").asLong(0);
        return windowThenSync(c, n, start > 0 && end > start ? new TimeWindow(
                Instant.ofEpochSecond(start), Instant.ofEpochSecond(end + 1)) : null);
    }

    /** Fetches the window a notification names (a day per request), then syncs its datasets from their cursors. */
    private int windowThenSync(Connection c, PushInbox.Notification n, TimeWindow window)
            throws InterruptedException {
        int published = 0;
        if (window != null) {
            for (String dataset : n.datasets()) {
                for (var chunk : window.chunks(Duration.ofDays(1))) {
                    published += poller.fetchWindow(c, dataset, chunk).published();
                }
            }
        }
        for (String dataset : n.datasets()) {
            published += poller.syncNow(c, dataset).published();
        }
        return published;
    }

    /**
     * Polar names the day an event is about ({@code date}, or {@code from}/{@code to}): data synced late lies before the
     * cursor, so those days are fetched as they are, then the datasets are synced from their cursors as usual.
     */
    private int polar(Connection c, PushInbox.Notification n) throws InterruptedException {
        var body = EventJson.read(n.body());
        LocalDate from = day(body.path("date").asText(body.path("from").asText(null)));
        LocalDate to = day(body.path("date").asText(body.path("to").asText(null)));
        TimeWindow window = null;
        if (from != null && to != null && !to.isBefore(from) && !to.isAfter(from.plusDays(28))) {
            // the days are the user's local days, as Polar counts them; some datasets answer one day per request
            ZoneId zone = c.zone() == null ? ZoneOffset.UTC : ZoneId.of(c.zone());
            window = new TimeWindow(from.atStartOfDay(zone).toInstant(),
                    to.plusDays(1).atStartOfDay(zone).toInstant());
        }
        return windowThenSync(c, n, window);
    }

    private static LocalDate day(String text) {
        if (text == null || text.length() < 10) {
            return null;
        }
        try {
            return LocalDate.parse(text.substring(0, 10));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Garmin pushes carry the data (ingested as is); pings carry callback URLs (pulled). */
    private int garmin(Connection c, PushInbox.Notification n) throws InterruptedException {
        var body = EventJson.read(n.body());
        String dataset = n.datasets().get(0);
        int published = 0;
        for (var it = body.fields(); it.hasNext();) {
            var e = it.next();
            var inline = EventJson.MAPPER.createArrayNode();
            for (var item : e.getValue()) {
                if (item.hasNonNull("callbackURL")) {
                    published += poller.fetchCallback(c, dataset, item.get("callbackURL").asText()).published();
                } else {
                    inline.add(item);
                }
            }
            if (!inline.isEmpty()) {
                published += poller.ingestPushed(c, dataset, inline).published();
            }
        }
        return published;
    }


    /** How long a claimed notification is this instance's; a crash makes it due again after this. */
    static final Duration CLAIM = Duration.ofMinutes(5);

    public synchronized void run() throws InterruptedException {
        for (PushInbox.Notification n : inbox.due(20)) {
            // instances sharing a store share the inbox: each notification is processed by the one that claims it
            if (!inbox.claim(n.id(), clock.instant().plus(CLAIM))) {
                continue;
            }
            Connection c = connections.get(n.connectionId()).orElse(null);
            if (c == null || !c.isActive()) {
                inbox.failed(n.id(), "connection gone or not active", null);
                continue;
            }
            try {
                int published = 0;
                if (n.deletion() != null) {
                    published = poller.delete(c, Deletion.fromJson(n.deletion()));
                } else if ("garmin".equals(n.provider())) {
                    published = garmin(c, n);
                } else if ("withings".equals(n.provider())) {
                    published = withings(c, n);
                } else if ("polar".equals(n.provider())) {
                    published = polar(c, n);
                } else {
                    for (String dataset : n.datasets()) {
                        published += poller.syncNow(c, dataset).published();
                    }
                }
                inbox.processed(n.id());
                meters.counter("healthbridge.push.processed", "provider", n.provider()).increment();
                LOG.info("Push notification {} from {} processed: {} event(s) published", n.id(), n.provider(), published);
            } catch (InterruptedException e) {
                throw e;
            } catch (RuntimeException e) {
                int attempt = n.attempts() + 1;
                var next = attempt >= MAX_ATTEMPTS ? null
                        : clock.instant().plus(Duration.ofSeconds(Math.min(300, 1L << Math.min(attempt, 9))));
                inbox.failed(n.id(), e.getMessage(), next);
                LOG.warn("Push notification {} from {} failed (attempt {}): {}", n.id(), n.provider(), attempt,
                        e.getMessage());
            }
        }
    }
}
