package io.healthbridge.delivery.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the successful deliveries gathered over a short linger in one transaction (group commit): a busy dispatcher
 * writes hundreds per commit instead of two commits each. A delivery counts as delivered once written; one sent but
 * not yet written when the process dies is sent again: after its lease, or, if it was never written at all, when the
 * restarted fan-out reads its event again (at least once).
 */
final class DeliveryRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecorder.class);
    /** The most written in one transaction. */
    static final int MAX_BATCH = 1000;

    private final WebhookStore store;
    private final long lingerMillis;
    private final ConcurrentLinkedQueue<WebhookStore.Delivered> delivered = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ScheduledExecutorService recorder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhook-recorder");
        t.setDaemon(true);
        return t;
    });

    DeliveryRecorder(WebhookStore store, long lingerMillis) {
        this.store = store;
        this.lingerMillis = lingerMillis;
    }

    /** Records a success, written with the others of the next linger. */
    void add(WebhookStore.Delivered d) {
        delivered.add(d);
        if (queued.compareAndSet(false, true)) {
            try {
                recorder.schedule(this::write, lingerMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                queued.set(false);
                write(); // stopping: record on this thread
            }
        }
    }

    private void write() {
        queued.set(false);
        List<WebhookStore.Delivered> batch = new ArrayList<>();
        WebhookStore.Delivered d;
        while (batch.size() < MAX_BATCH && (d = delivered.poll()) != null) {
            batch.add(d);
        }
        try {
            store.recordDelivered(batch);
        } catch (RuntimeException e) {
            LOG.warn("{} delivered webhooks could not be recorded (they will be sent again): {}", batch.size(), e.toString());
        }
        if (!delivered.isEmpty() && queued.compareAndSet(false, true)) {
            try {
                recorder.schedule(this::write, lingerMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                queued.set(false); // stopping: close() writes the rest
            }
        }
    }

    /** Stops the linger and writes whatever is left, on the calling thread. */
    void close() {
        recorder.shutdown();
        try {
            recorder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (!delivered.isEmpty()) {
            write();
        }
    }
}
