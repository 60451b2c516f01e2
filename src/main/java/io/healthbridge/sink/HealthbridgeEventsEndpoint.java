package io.healthbridge.sink;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.healthbridge.event.TypeGlob;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.support.ScheduledPollEndpoint;

/** A sink's endpoint: which events it takes, in which format, how many to an exchange. Consumer only. */
@UriEndpoint(firstVersion = "4.17.0", scheme = HealthbridgeEventsComponent.SCHEME, title = "Healthbridge events",
        syntax = "healthbridge-events:sinkId", consumerOnly = true, category = {Category.HEALTH})
public class HealthbridgeEventsEndpoint extends ScheduledPollEndpoint {

    static final int MAX_BATCH = 1000;

    private final String sinkId;
    private final Sinks sinks;
    private String types = "health.*";
    private String users = "";
    private String format = "cloudevents";
    private int batchSize = 1;
    private String startAt = "latest";

    HealthbridgeEventsEndpoint(String uri, HealthbridgeEventsComponent component, String sinkId, Sinks sinks) {
        super(uri, component);
        this.sinkId = sinkId;
        this.sinks = sinks;
        // within a second of being stored, read on at once while there is a backlog
        setDelay(250);
        setInitialDelay(0);
        setGreedy(true);
    }

    /** Refuses options that cannot work, with what to write instead. */
    void check() {
        if (!format.equals("cloudevents") && !format.equals("fhir") && !format.equals("fhir-bundle")) {
            throw new IllegalArgumentException("format is cloudevents, fhir or fhir-bundle, not '" + format + "'");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("batchSize is 1 to " + MAX_BATCH + ", not " + batchSize);
        }
        if (!startAt.equals("latest") && !startAt.equals("earliest")) {
            throw new IllegalArgumentException("startAt is latest (events stored from the sink's first start) or "
                                               + "earliest (every event the store still keeps), not '" + startAt + "'");
        }
        if (typePatterns().isEmpty()) {
            throw new IllegalArgumentException("types names at least one event type or pattern: health.*");
        }
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("healthbridge-events is read from (from:), never written to: publish "
                                                + "with to: direct:publish");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        HealthbridgeEventsConsumer consumer = new HealthbridgeEventsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isRemote() {
        return false;
    }

    List<TypeGlob> typePatterns() {
        return Arrays.stream(types.split(",")).map(String::trim).filter(t -> !t.isEmpty()).map(TypeGlob::of).toList();
    }

    Set<String> userSet() {
        return Arrays.stream(users.split(",")).map(String::trim).filter(u -> !u.isEmpty()).collect(Collectors.toSet());
    }

    String sinkId() {
        return sinkId;
    }

    Sinks sinks() {
        return sinks;
    }

    /** The options as a person reads them (no secret is ever an option of this endpoint). */
    String describe() {
        return "types=" + types + (users.isBlank() ? "" : "&users=" + users) + "&format=" + format + "&batchSize="
               + batchSize + "&startAt=" + startAt;
    }

    public String getTypes() {
        return types;
    }

    /** Event types or patterns, comma separated: {@code health.*}, {@code health.sleep_*,health.deleted}. */
    public void setTypes(String types) {
        this.types = types;
    }

    public String getUsers() {
        return users;
    }

    /** User ids, comma separated; empty for every user. */
    public void setUsers(String users) {
        this.users = users == null ? "" : users;
    }

    public String getFormat() {
        return format;
    }

    /**
     * {@code cloudevents} (the structured-mode JSON), {@code fhir} (an R4 Observation) or {@code fhir-bundle} (an R4
     * transaction Bundle of a batch's Observations, each a PUT by event id).
     */
    public void setFormat(String format) {
        this.format = format;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** Events to an exchange: 1 (the body one event), or more (the body a list of them, for sinks that write in bulk). */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public String getStartAt() {
        return startAt;
    }

    /** Where a sink's first start begins: {@code latest} (new events) or {@code earliest} (every event kept). */
    public void setStartAt(String startAt) {
        this.startAt = startAt;
    }
}
