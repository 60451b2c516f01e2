package io.healthbridge.store;

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

    /** An event the store would not take, and the store's reason. */
    public record Refused(CanonicalEvent event, String reason) {
    }
}
