package io.healthbridge.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The housekeeping H2 does not do for the embedded store. With {@code WRITE_DELAY=0} (see
 * {@link Database#embeddedUrl}) H2 writes every commit at once but runs no background writer, and with it no
 * housekeeping: a chunk (what one commit writes) is never rewritten, so every chunk that keeps one live page stays in
 * the file, and each commit then updates the chunk table of all of them. Measured on the events table at 1,500
 * commits/s: 62,000 chunks and 2.5 GB after 40 s, and a commit's cost growing with them (about 30 % of the writer's
 * time went to the chunk table in the benchmark's profile).
 *
 * <p>Every {@link #INTERVAL} this forces the file to disk and asks H2 to rewrite the live pages of chunks that are
 * mostly dead ({@link MVStore#compact}), a little at a time ({@link #WRITE_LIMIT}): the rewrite holds H2's commit lock,
 * and every commit waits for it. Measured with the benchmark's webhook phase writing: 1 MB once a second held it up
 * to 124 ms, a WebSocket stall of that length; 256 KB every round holds it up to about 70 ms, most rounds under 15. Because the file is forced at least every {@link #INTERVAL}, H2 may reuse the space of dead chunks
 * after {@link #RETENTION_MS} instead of its default 45 s: H2's rule for that setting is that whatever was written
 * longer ago is on the disk, which the forcing makes true. Measured: the file stays near 200 MB with about 3,000
 * chunks, and the writer's cost per commit falls by about a third. Committed events also reach the disk itself within
 * {@link #INTERVAL} now, not whenever the operating system writes its cache back.
 *
 * <p>The first round runs {@link #START_DELAY_MS} after the store opens, after the runtime's own start; H2 keeps its
 * default retention until then.
 *
 * <p>Uses H2's own engine classes to reach its store (H2 has no public API for it); H2's version is pinned in the pom.
 */
final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    static final long INTERVAL_MS = 250;
    static final long START_DELAY_MS = 3000;
    static final String INTERVAL = INTERVAL_MS + " ms";
    static final int RETENTION_MS = 1000;
    /** Chunks less full than this are rewritten. */
    static final int TARGET_FILL_PERCENT = 50;
    /** At most this much is rewritten per round (it goes out with the next commit): a short hold of the commit lock. */
    static final int WRITE_LIMIT = 256 << 10;
    /** Rounds per rewrite: every round, so each is small and the file still stays compact. */
    static final int COMPACT_EVERY = 1;
    private int rounds;

    private final MVStore store;
    private final ScheduledExecutorService timer;

    private H2Housekeeping(MVStore store) {
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts housekeeping for an embedded H2 store kept in a file; empty for any other store. */
    static Optional<H2Housekeeping> start(String url, DataSource dataSource) {
        if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:tcp:")
            || url.startsWith("jdbc:h2:ssl:")) {
            return Optional.empty();
        }
        MVStore store;
        try (Connection c = dataSource.getConnection()) {
            if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || session.getDatabase().getStore() == null) {
                return Optional.empty();
            }
            store = session.getDatabase().getStore().getMvStore();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Embedded store housekeeping not started ({}): the store file may grow under heavy writes",
                    e.toString());
            return Optional.empty();
        }
        FileStore<?> file = store.getFileStore();
        if (file == null || file.getFileName() == null || store.isReadOnly()) {
            return Optional.empty();
        }
        H2Housekeeping housekeeping = new H2Housekeeping(store);
        // from a few seconds in: the runtime's own start (routes, migrations done) does not share the disk with it
        housekeeping.timer.scheduleWithFixedDelay(housekeeping::round, START_DELAY_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return Optional.of(housekeeping);
    }

    /** One round: force the file, and rewrite a little of what is mostly dead. */
    void round() {
        try {
            if (store.isClosed()) {
                return;
            }
            store.getFileStore().sync();
            if (rounds == 0) {
                // only now is the file forced often enough for H2 to reuse dead chunks after a second
                store.setRetentionTime(RETENTION_MS);
            }
            if (++rounds % COMPACT_EVERY == 0) {
                store.compact(TARGET_FILL_PERCENT, WRITE_LIMIT);
            }
        } catch (RuntimeException e) {
            if (!store.isClosed()) {
                LOG.warn("Embedded store housekeeping round failed (retried in {}): {}", INTERVAL, e.toString());
            }
        }
    }

    /** The store's chunks (what the commits wrote that is still in the file), for tests and diagnostics. */
    int chunkCount() {
        return store.getFileStore().getLayoutMap().keySet().stream().filter(k -> k.startsWith("chunk.")).mapToInt(k -> 1)
                .sum();
    }

    @Override
    public void close() {
        // no interrupt: an interrupted thread in the middle of a file operation closes H2's file channel under it
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
