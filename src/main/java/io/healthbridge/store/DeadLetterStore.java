package io.healthbridge.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Dead letters: records and events that could not be published, viewable and replayable. */
public interface DeadLetterStore {

    void add(DeadLetter deadLetter);

    Optional<DeadLetter> get(String id);

    /** Newest first; {@code provider} and {@code status} filter when not null. */
    List<DeadLetter> list(String provider, String status, int limit, int offset);

    long count(String provider, String status);

    void recordReplay(String id, boolean published, String result, Instant at);
}
