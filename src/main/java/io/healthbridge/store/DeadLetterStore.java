package io.healthbridge.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Dead letters: records and events that could not be published, viewable and replayable. */
public interface DeadLetterStore {

    void add(DeadLetter deadLetter);

    Optional<DeadLetter> get(String id);

    /** Newest first; {@code provider} and {@code status} filter when not null. */
    /**
     * Dead letters newest first, each with only the first {@link #EXCERPT_CHARS} characters of its raw payload and
     * event (a list stays small however large the payloads: {@link #get} has them whole), and their full sizes.
     */
    List<Listed> list(String provider, String status, int limit, int offset);

    /** Characters of a listed dead letter's raw payload and event. */
    int EXCERPT_CHARS = 1024;

    /** A dead letter as listed: raw and event cut to an excerpt, with their sizes in characters. */
    record Listed(DeadLetter letter, long rawSize, long eventSize) {
    }

    long count(String provider, String status);

    void recordReplay(String id, boolean published, String result, Instant at);
}
