package io.healthbridge.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.healthbridge.http.ApiError;
import io.healthbridge.http.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apple Health exports in: an upload ({@code POST /api/v1/users/{id}/imports}, streamed to disk, never held in memory)
 * or a file dropped into the imports folder ({@code imports/<user id>/export.zip}). Each becomes a job, kept in the
 * store, that one worker thread runs in turn ({@link ImportRunner}); jobs a stop interrupted go on at the next start
 * from where they were. The file is deleted once its job is over.
 */
public class ImportJobs extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ImportJobs.class);
    static final int MAX_USER_ID = 128;
    /** The longest an erasure waits for the person's import to stop. */
    static final Duration PAUSE_WAIT = Duration.ofSeconds(30);

    private final CamelContext context;
    private final ImportStore store;
    private final ImportRunner runner;
    private final Path spool;
    private final long maxUploadBytes;
    private final Clock clock;
    private ExecutorService worker;
    /** People being erased: their imports stop at the next chunk and do not start. */
    private final Set<String> erasing = ConcurrentHashMap.newKeySet();
    /** The person whose import the worker runs now, or null. */
    private volatile String running;
    private final Object runningLock = new Object();

    public ImportJobs(CamelContext context, ImportStore store, Path dataDir, int chunk, long maxUploadBytes,
            long maxXmlBytes, Clock clock) {
        this.context = context;
        this.store = store;
        this.runner = new ImportRunner(store, context.createProducerTemplate(), chunk, maxXmlBytes);
        this.spool = dataDir.resolve("imports");
        this.maxUploadBytes = maxUploadBytes;
        this.clock = clock;
    }

    @Override
    protected void doStart() throws Exception {
        Files.createDirectories(spool);
        worker = context.getExecutorServiceManager().newSingleThreadExecutor(this, "healthbridge-import");
        for (ImportJob job : store.unfinished()) {
            LOG.info("Import {} goes on from element {}", job.id(), job.resumeFrom());
            submit(job);
        }
    }

    @Override
    protected void doStop() {
        if (worker != null) {
            context.getExecutorServiceManager().shutdownNow(worker);
        }
    }

    /** {@code POST /api/v1/users/{id}/imports}: the body (a zip or the XML) to disk, then a job; 202 with the job. */
    public void upload(Exchange exchange) throws Exception {
        String user = exchange.getIn().getHeader("id", String.class);
        if (user == null || user.isBlank() || user.length() > MAX_USER_ID) {
            ApiError.invalid(exchange, "a user id is 1 to " + MAX_USER_ID + " characters", Map.of("parameter", "id"));
            return;
        }
        Path file = spool.resolve(UUID.randomUUID() + ".upload");
        long size;
        try (InputStream in = exchange.getIn().getBody(InputStream.class);
             OutputStream out = Files.newOutputStream(file)) {
            size = copy(in, out);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        if (size < 0) {
            Files.deleteIfExists(file);
            ApiError.respond(exchange, 413, "VAL_001", "the export is larger than healthbridge.imports.max-upload-bytes ("
                                                        + maxUploadBytes + " bytes)", Map.of());
            return;
        }
        if (size == 0) {
            Files.deleteIfExists(file);
            ApiError.invalid(exchange, "the body is empty: send export.zip or export.xml as "
                                       + "application/octet-stream", null);
            return;
        }
        String name = exchange.getIn().getHeader("name", String.class);
        ImportJob job = store.create(user, "upload", name == null ? null : abbreviate(name), file.toString(), size);
        submit(job);
        Json.respond(exchange, 202, job.toJson(clock.instant()));
        exchange.getMessage().setHeader("Location", "/api/v1/imports/" + job.id());
    }

    /** A file of the imports folder ({@code <user id>/<file>}): copied to the spool, then a job. */
    public void fromFolder(Exchange exchange) throws Exception {
        String relative = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        Path path = Path.of(relative);
        if (path.getNameCount() != 2 || path.getName(0).toString().length() > MAX_USER_ID) {
            throw new IllegalArgumentException("an export in the imports folder goes in a folder named after its "
                                               + "user: imports/<user id>/export.zip, not " + relative);
        }
        String user = path.getName(0).toString();
        Path file = spool.resolve(UUID.randomUUID() + ".upload");
        try (InputStream in = exchange.getIn().getBody(InputStream.class)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        ImportJob job = store.create(user, "folder", abbreviate(path.getFileName().toString()), file.toString(),
                Files.size(file));
        LOG.info("Import {} of {} for user {} queued", job.id(), path.getFileName(), user);
        submit(job);
    }

    /**
     * Imports an export given as a stream (the demo's sample) for {@code user}, unless the user has an import
     * already; the job it queued, or empty.
     */
    public Optional<ImportJob> importOnce(String user, String name, InputStream in) throws IOException {
        if (!store.ofUser(user).isEmpty()) {
            return Optional.empty();
        }
        Path file = spool.resolve(UUID.randomUUID() + ".upload");
        Files.copy(in, file);
        ImportJob job = store.create(user, "demo", name, file.toString(), Files.size(file));
        submit(job);
        return Optional.of(job);
    }

    /** {@code GET /api/v1/imports/{id}}. */
    public void get(Exchange exchange) throws Exception {
        String id = exchange.getIn().getHeader("id", String.class);
        Optional<ImportJob> job = id == null || id.length() > 64 ? Optional.empty() : store.get(id);
        if (job.isEmpty()) {
            ApiError.notFound(exchange, "import '" + id + "'");
            return;
        }
        Json.respond(exchange, 200, job.get().toJson(clock.instant()));
    }

    /** {@code GET /api/v1/users/{id}/imports}. */
    public void list(Exchange exchange) throws Exception {
        String user = exchange.getIn().getHeader("id", String.class);
        if (user == null || user.isBlank() || user.length() > MAX_USER_ID) {
            ApiError.invalid(exchange, "a user id is 1 to " + MAX_USER_ID + " characters", Map.of("parameter", "id"));
            return;
        }
        Json.respond(exchange, 200, Map.of("imports", store.ofUser(user).stream()
                .map(j -> j.toJson(clock.instant())).toList()));
    }

    /** Runs the job in turn; before the start, the start finds it queued and runs it. */
    private void submit(ImportJob job) {
        if (worker != null) {
            worker.submit(() -> run(job.id(), Path.of(job.filePath())));
        }
    }

    /**
     * Stops the person's import before their erasure: marks them, waits (at most {@link #PAUSE_WAIT}) until the
     * worker has let go of their job, with its chunks in flight settled, and answers what lets their imports run
     * again once the erasure is done (which has deleted the jobs by then).
     */
    public Runnable pauseFor(String userId) {
        erasing.add(userId);
        long deadline = System.nanoTime() + PAUSE_WAIT.toNanos();
        synchronized (runningLock) {
            long left;
            while (userId.equals(running) && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(runningLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return () -> erasing.remove(userId);
    }

    /** Whose import the runner is on; an erasure waiting in {@link #pauseFor} is told when it changes. */
    private void setRunning(String userId) {
        synchronized (runningLock) {
            running = userId;
            runningLock.notifyAll();
        }
    }

    private void run(String id, Path file) {
        Optional<ImportJob> job = store.get(id);
        boolean over = true;
        setRunning(job.map(ImportJob::userId).orElse(null));
        try {
            if (job.isPresent() && runner.run(job.get(), erasing::contains)) {
                store.finish(id, ImportJob.DONE, null);
                ImportJob done = store.get(id).orElseThrow();
                LOG.info("Import {} done: {} elements, {} events, {} duplicates, {} dead letters, skipped {}", id,
                        done.elementsRead(), done.events(), done.duplicates(), done.deadLetters(), done.skipped());
            }
        } catch (ImportException e) {
            store.finish(id, ImportJob.FAILED, e.getMessage());
            LOG.warn("Import {} failed: {}", id, e.getMessage());
        } catch (Exception e) {
            if (!isRunAllowed() || Thread.currentThread().isInterrupted()) {
                over = false; // stopping: the next start goes on from the last chunk
                return;
            }
            store.finish(id, ImportJob.FAILED, "cannot import: " + e.getMessage());
            LOG.warn("Import {} failed", id, e);
        } finally {
            setRunning(null);
            if (over) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot delete the file of import {}: {}", id, e.getMessage());
                }
            }
        }
    }

    /** Copies at most {@link #maxUploadBytes}; -1 when the body is longer. */
    private long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > maxUploadBytes) {
                return -1;
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
