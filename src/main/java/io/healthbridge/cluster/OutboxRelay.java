package io.healthbridge.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.healthbridge.ingest.OutboxReader;
import io.healthbridge.store.StoredEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka bus: sends the outbox (the events table) to the events topic in publish order, keyed by user id, each batch
 * acknowledged by every in-sync replica (acks=all, idempotent producer) before the durable cursor moves past it. One
 * instance of the cluster relays at a time ({@link Leadership}); a relay that dies mid-batch leaves the cursor before
 * it, so the next leader sends that batch again: consumers see an event at least once, and are idempotent. Each
 * event goes encrypted with its user's key ({@link BusSealer}).
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxReader outbox;
    private final Leadership leadership;
    private final ProducerTemplate producer;
    private final CamelContext context;
    private final String topicUri;
    private final BusSealer sealer;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile long relayed;

    public OutboxRelay(OutboxReader outbox, Leadership leadership, ProducerTemplate producer, CamelContext context,
            String topicUri, BusSealer sealer) {
        this.sealer = sealer;
        this.outbox = outbox;
        this.leadership = leadership;
        this.producer = producer;
        this.context = context;
        this.topicUri = topicUri;
    }

    /** Asks for a relay round soon on the relay's own thread (an event was published, or the timer ticked). */
    public void kick() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    queued.set(false);
                    run();
                });
            } catch (RejectedExecutionException e) {
                queued.set(false); // stopping
            }
        }
    }

    /** Relays everything new while this instance leads. */
    void run() {
        try {
            if (!leadership.holds()) {
                return;
            }
            outbox.init();
            while (outbox.read(this::send)) {
                // a backlog: keep going
            }
        } catch (RuntimeException e) {
            LOG.warn("Outbox relay round failed (retried on the next round): {}", e.toString());
        }
    }

    private void send(List<StoredEvent> batch) {
        List<Message> records = new ArrayList<>(batch.size());
        for (StoredEvent e : batch) {
            Message m = new DefaultMessage(context);
            m.setBody(sealer.seal(e.subject(), e.type(), e.payload()));
            m.setHeader(KafkaConstants.KEY, e.subject());
            records.add(m);
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(records);
        Exchange done = producer.send(topicUri, exchange);
        if (done.getException() != null) {
            throw new IllegalStateException("the events topic refused a batch of " + batch.size() + ": "
                                     + done.getException().getMessage(), done.getException());
        }
        relayed += batch.size();
    }

    /** Events sent to the topic by this instance since it started. */
    public long relayed() {
        return relayed;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        leadership.close();
    }
}
