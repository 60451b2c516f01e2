package io.healthbridge.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A half-open interval [from, to) of data to fetch. */
public record TimeWindow(Instant from, Instant to) {

    /** Splits into consecutive windows of at most {@code max}. */
    public List<TimeWindow> chunks(Duration max) {
        List<TimeWindow> out = new ArrayList<>();
        Instant start = from;
        while (start.isBefore(to)) {
            Instant end = start.plus(max);
            if (end.isAfter(to)) {
                end = to;
            }
            out.add(new TimeWindow(start, end));
            start = end;
        }
        return out;
    }
}
