package io.healthbridge.store;

import java.util.List;

import io.healthbridge.event.CanonicalEvent;

/**
 * What became of each event of a batch written in one transaction: stored (new), a duplicate of one stored before
 * (its id is taken), or refused by the store (a value the store cannot hold), each in the batch's order.
 */
public record BatchOutcome(List<CanonicalEvent> stored, List<CanonicalEvent> duplicates, List<Refused> refused) {

    /** An event the store would not take, and the store's reason. */
    public record Refused(CanonicalEvent event, String reason) {
    }
}
