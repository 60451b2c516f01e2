package io.healthbridge.imports;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.provider.applehealth.AppleHealthMapper;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one import: streams the export (a zip's {@code export.xml} entry, or the XML itself) through
 * {@link ExportElements}, publishes it a chunk at a time through {@code direct:ingest} (each chunk's events and dead
 * letters in one transaction, as every payload), {@link #IN_FLIGHT} chunks at once so one is mapped while the one
 * before is stored, and after each chunk, in document order, records the counts and where a restart goes on. A chunk
 * published again after a crash is dropped as duplicates, never published twice.
 */
final class ImportRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);

    private final ImportStore store;
    /** Chunks in the publish path at once: one mapped while the one before it is stored. */
    static final int IN_FLIGHT = 2;

    private final ProducerTemplate producer;
    private final int chunk;
    private final long maxXmlBytes;

    ImportRunner(ImportStore store, ProducerTemplate producer, int chunk, long maxXmlBytes) {
        this.store = store;
        this.producer = producer;
        this.chunk = chunk;
        this.maxXmlBytes = maxXmlBytes;
    }

    /**
     * Runs the job to its end; false when it stopped because the job is gone or its user is being erased
     * ({@code erasing}, asked before each chunk: the chunks in flight are settled first).
     */
    boolean run(ImportJob job, Predicate<String> erasing) throws IOException, ImportException {
        if (erasing.test(job.userId()) || !store.started(job.id())) {
            return false;
        }
        Path file = Path.of(job.filePath());
        Deque<Chunk> inFlight = new ArrayDeque<>();
        try (Counting counted = new Counting(new BufferedInputStream(Files.newInputStream(file), 1 << 16), Long.MAX_VALUE);
             InputStream xml = export(counted);
             ExportElements elements = new ExportElements(xml)) {
            ArrayNode records = EventJson.MAPPER.createArrayNode();
            for (ObjectNode e; (e = elements.next(job.committed(), job.resumeFrom())) != null; ) {
                records.add(e);
                if (records.size() >= chunk) {
                    if (erasing.test(job.userId())) {
                        return settleAll(inFlight, null);
                    }
                    inFlight.add(publish(job, elements, records, counted.count));
                    records = EventJson.MAPPER.createArrayNode();
                    if (inFlight.size() >= IN_FLIGHT && (job = settled(job, inFlight.poll())) == null) {
                        return settleAll(inFlight, null);
                    }
                }
            }
            if (erasing.test(job.userId())) {
                return settleAll(inFlight, null);
            }
            inFlight.add(publish(job, elements, records, counted.count));
            for (Chunk c; (c = inFlight.poll()) != null; ) {
                if ((job = settled(job, c)) == null) {
                    return settleAll(inFlight, null);
                }
            }
        } catch (IOException | ImportException | RuntimeException e) {
            settleAll(inFlight, e);
            throw e;
        }
        return true;
    }

    /** A chunk on its way through the publish path, and where the document stood when it was cut. */
    private record Chunk(CompletableFuture<IngestSummary> published, long bytes, long read, long resumeFrom) {
    }

    /**
     * Sends a chunk down {@code direct:ingest} without waiting: the next chunk is read and mapped while this one is
     * stored. An empty chunk (the end of the file) publishes nothing and only records the final position.
     */
    private Chunk publish(ImportJob job, ExportElements elements, ArrayNode records, long bytes) {
        CompletableFuture<IngestSummary> published = CompletableFuture.completedFuture(null);
        if (!records.isEmpty()) {
            ObjectNode payload = EventJson.object();
            payload.set("records", records);
            String zone = elements.exportDate() == null ? "Z" : elements.exportDate().getOffset().getId();
            published = producer.asyncRequestBodyAndHeaders("direct:ingest", payload, Map.of(
                    HealthbridgeHeaders.PROVIDER, AppleHealthMapper.PROVIDER,
                    HealthbridgeHeaders.DATASET, AppleHealthMapper.EXPORT,
                    HealthbridgeHeaders.USER_ID, job.userId(),
                    HealthbridgeHeaders.ZONE, "Z".equals(zone) ? ZoneOffset.UTC.getId() : zone), IngestSummary.class);
        }
        return new Chunk(published, bytes, elements.index(), elements.resumePoint());
    }

    /**
     * Waits for a chunk (chunks are settled in the order they were cut), then records its counts and the resume
     * point; answers the job as it now stands, or null when it is gone (its user was erased).
     */
    private ImportJob settled(ImportJob job, Chunk c) {
        IngestSummary summary = outcome(c);
        if (!store.progress(job, c.bytes(), c.read(), c.resumeFrom(), c.read(), summary)) {
            return null;
        }
        ImportJob now = store.get(job.id()).orElse(null);
        if (now != null && summary != null) {
            LOG.info("Import {}: {} % of the file, {} elements read, {} events, {} duplicates, {} dead letters",
                    now.id(), now.percent(), now.elementsRead(), now.events(), now.duplicates(), now.deadLetters());
        }
        return now;
    }

    /** Waits for what is still in flight (its progress is not recorded: a restart publishes it again, as duplicates). */
    private static boolean settleAll(Deque<Chunk> inFlight, Exception failure) {
        for (Chunk c; (c = inFlight.poll()) != null; ) {
            try {
                c.published().join();
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
        return false;
    }

    private static IngestSummary outcome(Chunk c) {
        try {
            return c.published().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a chunk was published", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The export document: the entry {@code …/export.xml} of a zip (never {@code export_cda.xml}), or the file. */
    private InputStream export(InputStream in) throws IOException, ImportException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
            return new Counting(in, maxXmlBytes);
        }
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            String name = entry.getName();
            if (!entry.isDirectory() && (name.equals("export.xml") || name.endsWith("/export.xml"))) {
                return new Counting(zip, maxXmlBytes);
            }
        }
        throw new ImportException("the zip holds no export.xml (an Apple Health export has apple_health_export/"
                                  + "export.xml)");
    }

    /** Counts what is read; past {@code limit} bytes it refuses to go on (a zip that unpacks without end). */
    static final class Counting extends FilterInputStream {

        long count;
        private final long limit;
        private long mark;

        Counting(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }

        private void counted(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new IOException("the export is larger than healthbridge.imports.max-xml-bytes (" + limit
                                      + " bytes)");
            }
        }
    }
}
