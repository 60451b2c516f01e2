package io.healthbridge.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.healthbridge.event.CanonicalEvent;

/** Published canonical events in publish order: the outbox deliveries and stream resumes read from. */
public interface EventStore {

    /** Stores an event made by work that began now; false when an event with that id is already stored. */
    default boolean insert(CanonicalEvent event) {
        return insert(event, ErasureGate.now());
    }

    /**
     * Stores an event made by work that began at {@code began} ({@link ErasureGate#now()} then); false when an event
     * with that id is already stored, or its person was erased after the work began.
     */
    boolean insert(CanonicalEvent event, long began);

    /** {@link #insertAll(List, List, long)} for work that began now. */
    default BatchOutcome insertAll(List<CanonicalEvent> events, List<DeadLetter> deadLetters) {
        return insertAll(events, deadLetters, ErasureGate.now());
    }

    /**
     * Stores a payload's events and dead letters in one transaction, durable when this returns. Each event is stored,
     * a duplicate (its id is taken), refused by the store with a reason, or withheld because its person was erased
     * after the work that made it began at {@code began} ({@link ErasureGate}); nothing is left out.
     */
    BatchOutcome insertAll(List<CanonicalEvent> events, List<DeadLetter> deadLetters, long began);

    Optional<StoredEvent> get(String id);

    /** The streams of a workout kept beside its event (too long to ride in it), as JSON; empty when there are none. */
    Optional<String> streams(String eventId);

    /**
     * Events after {@code afterSeq} in publish order.
     *
     * @param type     CloudEvents type, or null for all
     * @param subject  user id, or null for all
     * @param provider provider id, or null for all
     */
    List<StoredEvent> after(long afterSeq, String type, String subject, String provider, int limit);

    /** The newest {@code limit} events (filters as {@link #after}), newest first: what just happened. */
    List<StoredEvent> latest(String type, String subject, String provider, int limit);

    long count();

    /** One subject's events of a type whose time ({@code event_time}, the measurement's start) is in [from, to). */
    List<StoredEvent> inWindow(String subject, String type, Instant from, Instant to);

    /** {@link #inWindow(String, String, Instant, Instant)} for several types in one read. */
    List<StoredEvent> inWindow(String subject, Collection<String> types, Instant from, Instant to);

    /** How many events of a provider and type were stored in one minute. */
    record MinuteCount(Instant minute, String provider, String type, long count) {
    }

    /** Events stored since {@code since} with a position up to {@code upToSeq}, counted per minute, provider and type. */
    List<MinuteCount> perMinute(Instant since, long upToSeq);

    /** Position of the newest stored event, 0 when there is none. */
    long latestSeq();

    /**
     * The events of a user that came from one record of a provider ({@code provenance.source_record_id}), of these
     * event types.
     */
    List<StoredEvent> ofRecord(String subject, String provider, String recordId, Collection<String> types);

    /**
     * Deletes these events and stores their tombstones in one transaction; returns the tombstones that were new (none
     * when their person was erased after the work that found them began at {@code began}).
     */
    List<CanonicalEvent> replace(List<String> deletedIds, List<CanonicalEvent> tombstones, long began);

    /**
     * The highest version at its source ({@code provenance.source_record_version}) stored for each of these records
     * of the subject and provider; records with none stored (or no version) are absent.
     */
    Map<String, Long> recordVersions(String subject, String provider, Collection<String> recordIds);
}
