package io.healthbridge.provider;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.MappingException;

/** Reading provider records: required and optional fields, numbers and times, with errors that say what is wrong. */
public final class Records {

    private Records() {
    }

    public static JsonNode field(JsonNode record, String name) {
        JsonNode value = record.get(name);
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new MappingException("missing field '" + name + "'");
        }
        return value;
    }

    public static boolean has(JsonNode record, String name) {
        JsonNode value = record.get(name);
        return value != null && !value.isNull() && !value.isMissingNode();
    }

    public static String text(JsonNode record, String name) {
        JsonNode value = field(record, name);
        if (!value.isValueNode()) {
            throw new MappingException("field '" + name + "' is not a value");
        }
        return value.asText();
    }

    public static String optText(JsonNode record, String name) {
        return has(record, name) && record.get(name).isValueNode() ? record.get(name).asText() : null;
    }

    public static BigDecimal number(JsonNode record, String name) {
        return toNumber(field(record, name), "field '" + name + "'");
    }

    public static BigDecimal optNumber(JsonNode record, String name) {
        return has(record, name) ? number(record, name) : null;
    }

    /** A JSON number (a numeric string too, as some providers send), finite and of sane size. */
    public static BigDecimal toNumber(JsonNode value, String what) {
        BigDecimal n;
        if (value.isNumber()) {
            n = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                n = new BigDecimal(value.asText().trim());
            } catch (NumberFormatException e) {
                throw new MappingException(what + " is not a number: '" + abbreviate(value.asText()) + "'");
            }
        } else {
            throw new MappingException(what + " is not a number: " + abbreviate(value.toString()));
        }
        if (n.abs().compareTo(new BigDecimal("1E12")) > 0) {
            throw new MappingException(what + " is out of range: " + n.toPlainString());
        }
        return n;
    }

    public static long longValue(JsonNode record, String name) {
        BigDecimal n = number(record, name);
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new MappingException("field '" + name + "' is not a whole number: " + n.toPlainString());
        }
    }

    /** An ISO-8601 time with an offset ({@code 2024-01-01T07:00:00+02:00}). */
    public static OffsetDateTime offsetTime(String text, String what) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new MappingException(what + " is not an ISO-8601 time with offset: '" + abbreviate(text) + "'");
        }
    }

    public static OffsetDateTime offsetTime(JsonNode record, String name) {
        return offsetTime(text(record, name), "field '" + name + "'");
    }

    /** A UTC time ({@code …Z}) shown at the given offset, e.g. WHOOP's {@code start} with {@code timezone_offset}. */
    public static OffsetDateTime utcAt(JsonNode record, String name, ZoneOffset offset) {
        return offsetTime(record, name).toInstant().atOffset(offset);
    }

    /** A local time without offset, placed in {@code zone}. */
    public static OffsetDateTime localTime(String text, ZoneId zone, String what) {
        try {
            LocalDateTime local = LocalDateTime.parse(text);
            return local.atZone(zone).toOffsetDateTime();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new MappingException(what + " is not an ISO-8601 local time: '" + abbreviate(text) + "'");
        }
    }

    public static LocalDate date(String text, String what) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new MappingException(what + " is not a date (YYYY-MM-DD): '" + abbreviate(text) + "'");
        }
    }

    public static LocalTime clock(String text, String what) {
        try {
            return LocalTime.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new MappingException(what + " is not a time of day: '" + abbreviate(text) + "'");
        }
    }

    /** Unix seconds shown at an offset given in seconds (Garmin's {@code *TimeOffsetInSeconds}). */
    public static OffsetDateTime epochSeconds(long seconds, int offsetSeconds) {
        if (seconds <= 0) {
            throw new MappingException("time " + seconds + " is not a positive unix time");
        }
        try {
            return Instant.ofEpochSecond(seconds).atOffset(ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException e) {
            throw new MappingException("bad time offset " + offsetSeconds + " s: " + e.getMessage());
        }
    }

    /** Unix seconds in a named zone; {@code fallback} when the provider's zone name is missing or unknown. */
    public static OffsetDateTime epochSeconds(long seconds, String zoneName, ZoneId fallback) {
        if (seconds <= 0) {
            throw new MappingException("time " + seconds + " is not a positive unix time");
        }
        return Instant.ofEpochSecond(seconds).atZone(zone(zoneName, fallback)).toOffsetDateTime();
    }

    public static ZoneId zone(String zoneName, ZoneId fallback) {
        if (zoneName == null || zoneName.isBlank()) {
            return fallback;
        }
        try {
            return ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            return fallback;
        }
    }

    public static ZoneOffset offset(String text, String what) {
        try {
            return ZoneOffset.of(text);
        } catch (DateTimeException | NullPointerException e) {
            throw new MappingException(what + " is not a UTC offset: '" + abbreviate(text) + "'");
        }
    }

    /** ISO-8601 duration ({@code PT2H44M}) in seconds. */
    public static long isoDurationSeconds(String text, String what) {
        try {
            return Duration.parse(text).toSeconds();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new MappingException(what + " is not an ISO-8601 duration: '" + abbreviate(text) + "'");
        }
    }

    /** The elements of an array field, or none when it is absent. */
    public static List<JsonNode> array(JsonNode node, String name) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode a = node == null ? null : node.get(name);
        if (a != null && a.isArray()) {
            a.forEach(out::add);
        } else if (a != null && !a.isNull()) {
            throw new MappingException("field '" + name + "' is not an array");
        }
        return out;
    }

    /**
     * The records of a payload that is an array, an object holding the array under {@code name} (a single object
     * there is one record), or one record on its own (an API's answer for one id: an object with no list in it).
     */
    public static List<JsonNode> arrayOrField(JsonNode payload, String name) {
        if (payload == null || payload.isNull()) {
            return List.of();
        }
        if (payload.isArray()) {
            List<JsonNode> out = new ArrayList<>();
            payload.forEach(out::add);
            return out;
        }
        JsonNode field = payload.get(name);
        if (field != null && field.isObject()) {
            return List.of(field);
        }
        if (field == null && payload.isObject() && !payload.isEmpty()) {
            boolean holdsAList = false;
            for (JsonNode child : payload) {
                holdsAList |= child.isArray();
            }
            if (!holdsAList) {
                return List.of(payload);
            }
        }
        return array(payload, name);
    }

    /** Snake case sport or type names: {@code MountainBikeRide} and {@code Mountain Bike} become {@code mountain_bike_ride}. */
    public static String snake(String text) {
        if (text == null || text.isBlank()) {
            return "other";
        }
        String s = text.trim().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "other" : s;
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    /** Sum of the values given, ignoring nulls; null when all are null. */
    public static BigDecimal sum(BigDecimal... values) {
        BigDecimal total = null;
        for (BigDecimal v : values) {
            if (v != null) {
                total = total == null ? v : total.add(v);
            }
        }
        return total;
    }
}
