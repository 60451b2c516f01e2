package io.healthbridge.users;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.store.Database;
import io.healthbridge.store.EventStore;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/users/{id}/export}: NDJSON streamed as it is read, the heap flat for 100,000 events. */
class UserExportTest {

    static final int MANY = 100_000;

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        // the embedded store's page cache (64 MB by default) would grow with any large read and hide what the export
        // itself holds: 8 MB here
        Properties p = new Properties();
        // the export's lines are counted and ordered by the events the test stores: no reconciled results beside them
        p.setProperty("healthbridge.reconcile.enabled", "false");
        p.setProperty("healthbridge.store.url", Database.embeddedUrl(work.resolve("data")) + ";CACHE_SIZE=8192");
        hb = RunningHealthbridge.start(work, p);
        EventStore events = hb.runtime().context().getRegistry().lookupByNameAndType("eventStore", EventStore.class);
        store(events, "exp-many", MANY);
        store(events, "exp-few", 40);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static void store(EventStore events, String user, int n) {
        MappingContext ctx = new MappingContext("withings", user, user, Instant.parse("2026-11-20T08:00:00Z"), null);
        OffsetDateTime t0 = OffsetDateTime.of(2020, 1, 1, 7, 0, 0, 0, ZoneOffset.ofHours(1));
        List<CanonicalEvent> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(EventBuilder.of(DataType.BODY_WEIGHT, ctx).sourceRecordId("m-" + i).at(t0.plusMinutes(i))
                    .value(new BigDecimal("70.0").add(BigDecimal.valueOf(i % 100, 2)), "kg").build());
            if (batch.size() == 1000 || i == n - 1) {
                assertThat(events.insertAll(batch, List.of()).stored()).hasSize(batch.size());
                batch.clear();
            }
        }
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The export read over a plain socket with a small receive buffer, so what is in flight is bounded by TCP and not by
     * a client library's buffers: the heap measured is what the server holds.
     */
    @Test
    void oneHundredThousandEventsStreamWithTheHeapFlatAndParseBack() throws Exception {
        long before = heapAfterGc();
        long lines = 0;
        long highest = 0;
        long bytes = 0;
        String lastTime = "";
        List<Long> growth = new ArrayList<>();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", hb.port()));
            socket.getOutputStream().write(("GET /api/v1/users/exp-many/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + RunningHealthbridge.ADMIN_KEY + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
            String status = line(in);
            assertThat(status).startsWith("HTTP/1.1 200");
            List<String> headers = new ArrayList<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                headers.add(h.toLowerCase(Locale.ROOT));
            }
            assertThat(headers).contains("transfer-encoding: chunked").anyMatch(h -> h.startsWith(
                    "content-type: application/x-ndjson"));
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                byte[] chunk = new byte[size];
                in.readFully(chunk);
                line(in);
                bytes += size;
                for (byte b : chunk) {
                    if (b != '\n') {
                        current.write(b);
                        continue;
                    }
                    JsonNode e = EventJson.read(current.toString(StandardCharsets.UTF_8));
                    current.reset();
                    assertThat(e.get("subject").asText()).isEqualTo("exp-many");
                    // written in the order stored, one minute apart: each line is a new event, none repeated
                    String time = e.get("time").asText();
                    assertThat(time).isGreaterThan(lastTime);
                    lastTime = time;
                    if (++lines % 20_000 == 0) {
                        growth.add(heapAfterGc() - before);
                    }
                }
            }
        }
        assertThat(lines).isEqualTo(MANY);
        // the export is tens of megabytes; the server holds a page of it (and the store its 8 MB cache)
        assertThat(bytes).isGreaterThan(40L << 20);
        highest = growth.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("export of %d events, %d MB: heap growth %s%n", lines, bytes >> 20, growth);
        assertThat(highest).as("heap growth while streaming %d MB", bytes >> 20).isLessThan(24L << 20);
    }

    static String line(DataInputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the answer ended early");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Test
    void fhirIsOneObservationPerLine() throws Exception {
        HttpResponse<String> r = hb.get("/api/v1/users/exp-few/export?format=fhir");
        assertThat(r.statusCode()).isEqualTo(200);
        String[] lines = r.body().split("\n");
        assertThat(lines).hasSize(40);
        for (String line : lines) {
            JsonNode o = EventJson.read(line);
            assertThat(o.get("resourceType").asText()).isEqualTo("Observation");
            assertThat(o.at("/valueQuantity/unit").asText()).isEqualTo("kg");
        }
    }

    @Test
    void aBadFormatOrAnUnknownUserIsAClearError() throws Exception {
        assertThat(hb.get("/api/v1/users/exp-few/export?format=csv").statusCode()).isEqualTo(400);
        assertThat(hb.get("/api/v1/users/nobody/export").statusCode()).isEqualTo(404);
    }
}
