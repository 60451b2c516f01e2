package io.healthbridge.store;

import java.util.ArrayList;
import java.util.List;

import io.healthbridge.event.CanonicalEvent;

/**
 * What became of each event of a batch written in one transaction: stored (new), a duplicate of one stored before
 * (its id is taken), refused by the store (a value the store cannot hold), or withheld because its person was erased
 * after the work that made it began ({@link ErasureGate}), each in the batch's order; and the batch's dead letters
 * withheld for the same reason.
 */
public record BatchOutcome(List<CanonicalEvent> stored, List<CanonicalEvent> duplicates, List<Refused> refused,
        List<CanonicalEvent> withheld, List<DeadLetter> withheldDeadLetters) {

    /** Nothing was written. */
    public static final BatchOutcome NONE = new BatchOutcome(List.of(), List.of(), List.of(), List.of(), List.of());

    /** This outcome with more events and dead letters withheld (the gate's, before the store's own). */
    BatchOutcome withheldToo(List<CanonicalEvent> events, List<DeadLetter> letters) {
        return new BatchOutcome(stored, duplicates, refused, both(events, withheld), both(letters, withheldDeadLetters));
    }

    private static <T> List<T> both(List<T> a, List<T> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() ? b : a;
        }
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** An event the store would not take, and the store's reason. */
    public record Refused(CanonicalEvent event, String reason) {
    }
}
