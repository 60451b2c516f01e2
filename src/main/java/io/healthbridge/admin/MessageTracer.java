package io.healthbridge.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.BacklogTracer;
import org.apache.camel.spi.BacklogTracerEventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's backlog tracer for one route at a time, on demand: an admin starts it for a route, for at most
 * {@link #MAX_DURATION} and {@link #MAX_MESSAGES} messages (the oldest go first); it ends by itself. What it captured
 * stays in memory only and leaves the process only masked ({@link TraceMasking}). The tracer is installed on standby
 * ({@code camel.trace.standby}): off, it costs a flag check per step.
 */
public class MessageTracer {

    public static final Duration MAX_DURATION = Duration.ofMinutes(15);
    public static final int MAX_MESSAGES = 500;
    private static final Logger LOG = LoggerFactory.getLogger(MessageTracer.class);

    private final Clock clock;
    private String routeId;
    private Instant until;
    private int maxMessages;

    public MessageTracer(Clock clock) {
        this.clock = clock;
    }

    static BacklogTracer tracer(CamelContext context) {
        BacklogTracer t = context.getCamelContextExtension().getContextPlugin(BacklogTracer.class);
        if (t == null) {
            throw new IllegalStateException("Camel's backlog tracer is not installed (camel.trace.standby = false)");
        }
        return t;
    }

    /** Traces {@code routeId} for {@code duration}, keeping the last {@code max} messages; ends any earlier trace. */
    public synchronized Map<String, Object> start(CamelContext context, String routeId, Duration duration, int max) {
        BacklogTracer t = tracer(context);
        t.setEnabled(false);
        t.clear();
        t.setTracePattern(routeId);
        t.setBacklogSize(max);
        t.setRemoveOnDump(false);
        t.setEnabled(true);
        this.routeId = routeId;
        this.until = clock.instant().plus(duration);
        this.maxMessages = max;
        LOG.info("Message trace of route {} started by an operator, until {} (at most {} messages)", routeId, until, max);
        return session(context);
    }

    /** Ends the trace now; what it captured is dropped. */
    public synchronized void stop(CamelContext context) {
        BacklogTracer t = tracer(context);
        t.setEnabled(false);
        t.clear();
        if (routeId != null) {
            LOG.info("Message trace of route {} ended", routeId);
        }
        routeId = null;
        until = null;
    }

    /** Ends a trace whose time is up (the {@code message-trace-expiry} route); its messages stay readable. */
    public synchronized void expire(CamelContext context) {
        if (until != null && !clock.instant().isBefore(until) && tracer(context).isEnabled()) {
            tracer(context).setEnabled(false);
            LOG.info("Message trace of route {} ended: its time was up", routeId);
        }
    }

    /** The session (route, until, active) and its captured messages, masked, oldest first. */
    public synchronized Map<String, Object> session(CamelContext context) {
        expire(context);
        BacklogTracer t = tracer(context);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("route_id", routeId);
        out.put("active", t.isEnabled());
        out.put("until", until == null ? null : until.toString());
        out.put("max_messages", routeId == null ? null : maxMessages);
        List<Map<String, Object>> traced = new ArrayList<>();
        if (routeId != null) {
            for (BacklogTracerEventMessage m : t.dumpAllTracedMessages()) {
                traced.add(m.asJSon());
            }
        }
        out.put("messages", TraceMasking.all(traced));
        return out;
    }
}
