package io.healthbridge.provider.applehealth;

import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.MappingException;

/**
 * HealthKit's times as exports and Health Auto Export write them: {@code 2025-01-14 08:02:11 +0100} (a fixed offset,
 * no fractions), and the time of day of a beat in an HRV record, formatted for the phone's locale with no date:
 * {@code 3:12:41.52 AM} (a narrow no-break space before AM on recent iOS), {@code 08:33:44,67}.
 */
final class AppleTimes {

    static final DateTimeFormatter EXPORT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT);
    private static final Pattern TIME_OF_DAY = Pattern.compile(
            "(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?\\s*([AaPp][Mm])?");

    private AppleTimes() {
    }

    /** An export time ({@code yyyy-MM-dd HH:mm:ss Z}); ISO-8601 with an offset is read too. */
    static OffsetDateTime parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new MappingException(what + " is missing");
        }
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t, EXPORT);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t);
            } catch (DateTimeParseException e2) {
                throw new MappingException(what + " is not a HealthKit time (yyyy-MM-dd HH:mm:ss Z): '"
                                           + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "'");
            }
        }
    }

    static OffsetDateTime field(JsonNode r, String name) {
        JsonNode n = r.get(name);
        return parse(n == null || n.isNull() ? null : n.asText(), "'" + name + "'");
    }

    /**
     * The instant of a beat given only as a locale time of day, on the date of the record it belongs to: the first
     * such time at or after {@code from} minus a minute (a beat just before a record's start is its own), so a series
     * crossing midnight rolls over to the next day. Null when the text is in no form this reads.
     */
    static OffsetDateTime timeOfDay(String text, OffsetDateTime from) {
        if (text == null) {
            return null;
        }
        String t = text.replace('\u202F', ' ').replace('\u00A0', ' ').trim();
        Matcher m = TIME_OF_DAY.matcher(t);
        if (!m.matches()) {
            return null;
        }
        int hour = Integer.parseInt(m.group(1));
        String ampm = m.group(5);
        if (ampm != null) {
            if (hour < 1 || hour > 12) {
                return null;
            }
            hour = hour % 12 + (ampm.equalsIgnoreCase("pm") ? 12 : 0);
        }
        int minute = Integer.parseInt(m.group(2));
        int second = Integer.parseInt(m.group(3));
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        String fraction = m.group(4) == null ? "0" : (m.group(4) + "000000000").substring(0, 9);
        LocalTime time = LocalTime.of(hour, minute, second, Integer.parseInt(fraction));
        OffsetDateTime at = from.toLocalDate().atTime(time).atOffset(from.getOffset());
        return at.isBefore(from.minusMinutes(1)) ? at.plusDays(1) : at;
    }
}
