package io.healthbridge.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;

/**
 * Keeps what was fetched for a person before their erasure from being stored after it. A poll, backfill, push or
 * request that began before the erasure may still be fetching when the person's rows are deleted; what it brings back
 * would outlive the erasure. Each write names when the work that made it began ({@link #now()} then); the gate
 * admits a person's events only from work that began after their erasure was done.
 *
 * <p>While a person is being erased nothing of theirs is written: a write that carries them waits for the erasure's
 * end (then is withheld, or goes through if the erasure failed), and fails, to be made again, only if it waits longer
 * than {@link #WAIT}. Beginning an erasure waits until every write already past the gate has committed, so the
 * erasure's delete sees it.
 *
 * <p>Times are {@link System#nanoTime()}: one process's order of events, never a wall clock a test or an operator
 * moves. An erasure is remembered for {@link #REMEMBERED}, longer than any fetch runs; a process that stops forgets
 * it with the work it had under way. Instances sharing a PostgreSQL store do the same through it
 * ({@link SharedErasures}).
 */
public final class ErasureGate {

    /** How long an erasure holds back work begun before it. */
    static final Duration REMEMBERED = Duration.ofHours(24);
    private static final String ERASED = DataType.USER_ERASED.eventType();

    /** How long a write of a person being erased waits for the erasure before it fails (to be made again). */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Set<String> erasing = ConcurrentHashMap.newKeySet();
    /** Told when an erasure ends, for the writes waiting on it. */
    private final Object ended = new Object();
    private final Map<String, Long> erasedAt = new ConcurrentHashMap<>();
    /** Writes hold it shared from the gate to their commit; an erasure takes it alone for a moment to wait them out. */
    private final ReentrantReadWriteLock writes = new ReentrantReadWriteLock();

    /** Now, as work stamps when it began. */
    public static long now() {
        return System.nanoTime();
    }

    /** The wall-clock time of a moment {@link #now()} gave (to compare with another instance's). */
    static Instant wallTime(long began) {
        return Instant.now().minusNanos(now() - began);
    }

    /** When work began that has been running for {@code millis}. */
    public static long startedAgo(long millis) {
        return now() - TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
    }

    /**
     * The person's erasure begins: from now until {@link #erased} or {@link #reopen} nothing of theirs is written.
     * Returns once every write that passed the gate before has committed.
     */
    public void erasing(String subject) {
        erasing.add(subject);
        Lock all = writes.writeLock();
        all.lock();
        all.unlock();
    }

    /** The person's rows are gone: work on their data that began before now is refused from here on. */
    public void erased(String subject) {
        long at = now();
        erasedAt.merge(subject, at, (old, neu) -> neu - old > 0 ? neu : old);
        end(subject);
        long oldest = at - REMEMBERED.toNanos();
        erasedAt.values().removeIf(t -> t - oldest < 0);
    }

    /** The erasure failed: the person's writes go through again. */
    public void reopen(String subject) {
        end(subject);
    }

    private void end(String subject) {
        synchronized (ended) {
            erasing.remove(subject);
            ended.notifyAll();
        }
    }

    /**
     * Waits (at most {@link #WAIT}) while a person of this write is being erased; called before a write takes the
     * gate's lock, which the erasure needs alone to begin.
     */
    void awaitErasures(List<CanonicalEvent> events, List<DeadLetter> letters) {
        if (!erasing.isEmpty()) {
            awaitErasures(people(events, letters));
        }
    }

    /** The people a write carries; the notice of an erasure is nobody's data. */
    static Set<String> people(List<CanonicalEvent> events, List<DeadLetter> letters) {
        Set<String> people = new HashSet<>();
        events.stream().filter(e -> !ERASED.equals(e.type())).forEach(e -> people.add(e.subject()));
        letters.stream().filter(d -> d.userId() != null).forEach(d -> people.add(d.userId()));
        return people;
    }

    private void awaitErasures(Set<String> people) {
        long deadline = now() + WAIT.toNanos();
        synchronized (ended) {
            while (people.stream().anyMatch(this::isErasing)) {
                long left = deadline - now();
                if (left <= 0) {
                    return; // the write fails under the lock, to be made again
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(ended, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Runs a write of a person's data made by work that began at {@code began} (a push notification received with
     * their connection in hand), unless their erasure since withholds it: empty then. Fails while they are being
     * erased.
     */
    public <T> Optional<T> write(String subject, long began, Supplier<T> write) {
        if (!erasing.isEmpty()) {
            awaitErasures(Collections.singleton(subject));
        }
        Lock shared = writes.readLock();
        shared.lock();
        try {
            refuseWhileErasing(subject);
            return admits(subject, began) ? Optional.of(write.get()) : Optional.empty();
        } finally {
            shared.unlock();
        }
    }

    /** Shared while a write is checked and committed. */
    Lock writes() {
        return writes.readLock();
    }

    /** Whether a person is being erased right now (their writes fail and are retried). */
    boolean isErasing(String subject) {
        return subject != null && erasing.contains(subject);
    }

    /** Whether the person's data from work that began at {@code began} may be stored. */
    boolean admits(String subject, long began) {
        if (subject == null) {
            return true;
        }
        Long at = erasedAt.get(subject);
        return at == null || began - at > 0;
    }

    /** What of a write the gate lets through, and what it withholds. */
    record Admitted(List<CanonicalEvent> events, List<DeadLetter> deadLetters, List<CanonicalEvent> withheld,
            List<DeadLetter> withheldDeadLetters) {
    }

    /**
     * A write as the gate lets it through: events and dead letters of a person erased after the work began are
     * withheld; a person being erased right now fails the whole write, to be made again.
     */
    Admitted admit(List<CanonicalEvent> events, List<DeadLetter> letters, long began) {
        if (erasing.isEmpty() && erasedAt.isEmpty()) {
            return new Admitted(events, letters, List.of(), List.of());
        }
        people(events, letters).forEach(this::refuseWhileErasing);
        return partition(events, letters, person -> admits(person, began));
    }

    /** A write split by whose data may be stored; the notice of an erasure always may. */
    static Admitted partition(List<CanonicalEvent> events, List<DeadLetter> letters, Predicate<String> mayStore) {
        List<CanonicalEvent> kept = new ArrayList<>(events.size());
        List<CanonicalEvent> withheld = new ArrayList<>();
        for (CanonicalEvent e : events) {
            (ERASED.equals(e.type()) || mayStore.test(e.subject()) ? kept : withheld).add(e);
        }
        List<DeadLetter> keptLetters = new ArrayList<>(letters.size());
        List<DeadLetter> withheldLetters = new ArrayList<>();
        for (DeadLetter d : letters) {
            (d.userId() == null || mayStore.test(d.userId()) ? keptLetters : withheldLetters).add(d);
        }
        return new Admitted(kept, keptLetters, withheld, withheldLetters);
    }

    private void refuseWhileErasing(String subject) {
        if (isErasing(subject)) {
            throw new StoreException("a person of this write is being erased: it is written again after the erasure, "
                                     + "if that fails");
        }
    }
}
