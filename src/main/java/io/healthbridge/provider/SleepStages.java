package io.healthbridge.provider;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.Loinc;

/** Sleep stage durations ({@code stages}) and hypnogram segments ({@code segments}) of a sleep session. */
public final class SleepStages {

    private final ArrayNode stages = JsonNodeFactory.instance.arrayNode();

    /** Adds a stage with its duration; skipped when the provider gave none. */
    public SleepStages add(String stage, Number duration, String unit) {
        if (duration == null) {
            return this;
        }
        ObjectNode s = stages.addObject();
        s.put("stage", stage);
        s.set("duration", EventBuilder.quantityNode(duration, unit, "s"));
        Loinc code = switch (stage) {
            case "deep" -> DataType.SLEEP_DEEP;
            case "light" -> DataType.SLEEP_LIGHT;
            case "rem" -> DataType.SLEEP_REM;
            default -> null;
        };
        if (code != null) {
            s.set("code", code.toJson());
        }
        return this;
    }

    /** Total of the asleep stages (light, deep, REM, asleep), in seconds. */
    public BigDecimal asleepSeconds() {
        BigDecimal total = BigDecimal.ZERO;
        for (var s : stages) {
            if (!"awake".equals(s.get("stage").asText()) && !"unknown".equals(s.get("stage").asText())) {
                total = total.add(s.get("duration").get("value").decimalValue());
            }
        }
        return total;
    }

    public ArrayNode toJson() {
        return stages;
    }

    /** Hypnogram segments, in time order. */
    public static final class Segments {

        private final ArrayNode segments = JsonNodeFactory.instance.arrayNode();

        public Segments add(String stage, OffsetDateTime start, OffsetDateTime end) {
            if (start.isBefore(end)) {
                ObjectNode seg = segments.addObject();
                seg.put("stage", stage);
                seg.put("start", EventBuilder.format(start));
                seg.put("end", EventBuilder.format(end));
            }
            return this;
        }

        public ArrayNode toJson() {
            return segments.isEmpty() ? null : segments;
        }
    }
}
