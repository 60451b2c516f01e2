package io.healthbridge.provider;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingException;

/** A time series being collected for one event, in the event's canonical unit. */
public final class Samples {

    private record Point(OffsetDateTime time, BigDecimal value) {
    }

    private final List<Point> points = new ArrayList<>();

    public Samples add(OffsetDateTime time, BigDecimal value) {
        points.add(new Point(time, value));
        return this;
    }

    /** The samples whose value is at least {@code min} (a provider's negative sentinels left out). */
    public Samples atLeast(BigDecimal min) {
        Samples kept = new Samples();
        points.stream().filter(p -> p.value().compareTo(min) >= 0).forEach(p -> kept.add(p.time(), p.value()));
        return kept;
    }

    public int size() {
        return points.size();
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }

    public OffsetDateTime first() {
        return points.stream().map(Point::time).min(OffsetDateTime::compareTo).orElseThrow(() -> new MappingException("no samples"));
    }

    public OffsetDateTime last() {
        return points.stream().map(Point::time).max(OffsetDateTime::compareTo).orElseThrow(() -> new MappingException("no samples"));
    }

    public ArrayNode toJson() {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        points.stream().sorted((a, b) -> a.time.compareTo(b.time)).forEach(p -> {
            ObjectNode o = array.addObject();
            o.put("time", EventBuilder.format(p.time));
            o.put("value", p.value.stripTrailingZeros());
        });
        return array;
    }

    public BigDecimal min() {
        return points.stream().map(Point::value).min(BigDecimal::compareTo).orElse(null);
    }

    public BigDecimal max() {
        return points.stream().map(Point::value).max(BigDecimal::compareTo).orElse(null);
    }

    public BigDecimal average() {
        if (points.isEmpty()) {
            return null;
        }
        BigDecimal sum = points.stream().map(Point::value).reduce(BigDecimal.ZERO, BigDecimal::add);
        return sum.divide(BigDecimal.valueOf(points.size()), 1, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    /** Adds samples, min, max and average to a heart-rate style event spanning the samples. */
    public EventBuilder applyTo(EventBuilder builder) {
        return builder.interval(first(), last()).samples(toJson()).put("min", min()).put("max", max()).put("avg", average());
    }
}
