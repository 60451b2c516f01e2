package io.healthbridge.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apple Health exports imported end to end: uploaded and dropped into the imports folder, as XML and as the zip the
 * Health app writes, imported again (only what is new is published), broken, too large, and interrupted by a stop.
 */
class AppleExportImportTest {

    static final Path SAMPLE = AppleExportMappingTest.SAMPLE;

    static HttpResponse<String> upload(RunningHealthbridge hb, String user, byte[] body) throws Exception {
        return hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/" + user + "/imports?name=export.zip"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static JsonNode awaitEnd(RunningHealthbridge hb, String id) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = hb.getJson("/api/v1/imports/" + id);
            if (job.get("status").asText().equals("done") || job.get("status").asText().equals("failed")) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("import " + id + " did not end");
    }

    static byte[] zip(byte[] xml) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("apple_health_export/export_cda.xml"));
            zip.write("<ClinicalDocument/><ClinicalDocument/>".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("apple_health_export/workout-routes/route_2025-01-14_7.05pm.gpx"));
            zip.write("<gpx/>".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("apple_health_export/export.xml"));
            zip.write(xml);
        }
        return bytes.toByteArray();
    }

    @Test
    void theSampleImportsWithEveryElementAccountedFor_AndImportedAgainPublishesOnlyWhatIsNew(@TempDir Path work)
            throws Exception {
        Properties p = new Properties();
        // uploads are streamed to disk: the API's body limit is not theirs
        p.setProperty("camel.server.max-body-size", "20000");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            byte[] xml = Files.readAllBytes(SAMPLE);
            HttpResponse<String> r = upload(hb, "ex-ana", xml);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                    .startsWith("/api/v1/imports/"));
            JsonNode job = awaitEnd(hb, EventJson.read(r.body()).get("id").asText());
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("done");
            assertThat(job.get("percent").asDouble()).isEqualTo(100);
            assertThat(job.get("elements_read").asInt()).isEqualTo(68);
            assertThat(job.get("dead_letters").asInt()).isZero();
            assertThat(job.at("/skipped/blood_pressure_in_correlation").asInt()).isEqualTo(2);
            assertThat(job.at("/skipped/in_bed_only").asInt()).isEqualTo(1);
            int events = job.get("events").asInt();
            // every record accounted for: events or counted skips (a record may give two events: HRV and its beats)
            assertThat(events).isEqualTo(hb.getJson("/api/v1/users/ex-ana").get("events").asInt()).isGreaterThan(40);
            assertThat(hb.getJson("/api/v1/events?user=ex-ana&type=health.steps&limit=100").get("events")).hasSize(12);
            assertThat(job.has("file_path")).isFalse();

            // the same export again, now as the zip the Health app writes: nothing new
            JsonNode again = awaitEnd(hb, EventJson.read(upload(hb, "ex-ana", zip(xml)).body()).get("id").asText());
            assertThat(again.get("status").asText()).as(again.toString()).isEqualTo("done");
            assertThat(again.get("events").asInt()).isZero();
            assertThat(again.get("duplicates").asInt()).isEqualTo(events);

            // a later export with one more weight: only that is published
            String later = new String(xml, StandardCharsets.UTF_8).replace("0x30201b1c0", "0x51aa00000")
                    .replace("</HealthData>", "<Record type=\"HKQuantityTypeIdentifierBodyMass\" sourceName=\"Health\" "
                            + "unit=\"kg\" startDate=\"2025-01-20 07:00:00 +0100\" endDate=\"2025-01-20 07:00:00 +0100\""
                            + " value=\"69.0\"/></HealthData>");
            JsonNode third = awaitEnd(hb, EventJson.read(upload(hb, "ex-ana", later.getBytes(StandardCharsets.UTF_8))
                    .body()).get("id").asText());
            assertThat(third.get("events").asInt()).isEqualTo(1);
            assertThat(hb.getJson("/api/v1/users/ex-ana/imports").get("imports")).hasSize(3);
            // the spool holds no file of a finished job
            try (var files = Files.list(hb.data().resolve("imports"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aFileDroppedIntoTheUsersFolderIsImportedAndMovedAside(@TempDir Path work) throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            Path folder = Files.createDirectories(work.resolve("imports").resolve("ex-ben"));
            Files.write(folder.resolve("export.zip"), zip(Files.readAllBytes(SAMPLE)));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            JsonNode jobs = hb.getJson("/api/v1/users/ex-ben/imports").get("imports");
            while (jobs.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                jobs = hb.getJson("/api/v1/users/ex-ben/imports").get("imports");
            }
            assertThat(jobs).hasSize(1);
            JsonNode job = awaitEnd(hb, jobs.get(0).get("id").asText());
            assertThat(job.get("status").asText()).isEqualTo("done");
            assertThat(job.get("origin").asText()).isEqualTo("folder");
            assertThat(job.get("elements_read").asInt()).isEqualTo(68);
            assertThat(folder.resolve("export.zip")).doesNotExist();
            try (var done = Files.list(folder.resolve(".done"))) {
                assertThat(done).hasSize(1);
            }
        }
    }

    @Test
    void aBrokenOrOversizedExportIsRefusedWithAReason(@TempDir Path work) throws Exception {
        Properties p = new Properties();
        p.setProperty("healthbridge.imports.max-upload-bytes", "50000");
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            JsonNode notXml = awaitEnd(hb, EventJson.read(upload(hb, "ex-cy", "this is not xml".getBytes()).body())
                    .get("id").asText());
            assertThat(notXml.get("status").asText()).isEqualTo("failed");
            assertThat(notXml.get("error").asText()).contains("not well-formed");
            JsonNode noExport = awaitEnd(hb, EventJson.read(upload(hb, "ex-cy", zipOf("other.txt")).body())
                    .get("id").asText());
            assertThat(noExport.get("error").asText()).contains("no export.xml");
            HttpResponse<String> big = upload(hb, "ex-cy", new byte[60000]);
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(upload(hb, "ex-cy", new byte[0]).statusCode()).isEqualTo(400);
            // curl --data-binary without a Content-Type sends a form: a clear answer, not a parser's failure
            HttpResponse<String> form = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/ex-cy/imports"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("<HealthData/>")));
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(form.body()).contains("application/octet-stream");
            // no key, a wrong key, a key that may only read: refused before a byte of the body is kept
            String reader = EventJson.read(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/keys"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"r\",\"scopes\":[\"read\"]}"))).body())
                    .get("key").asText();
            for (String[] c : new String[][] {{"Authorization", ""}, {"X-API-Key", "hbk_wrong-0123456789abcdef"},
                    {"X-API-Key", reader}}) {
                HttpResponse<String> refused = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/ex-cy/imports"))
                        .header(c[0], c[1]).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[40000])));
                assertThat(refused.statusCode()).as(c[0] + " " + c[1]).isEqualTo(c[1].equals(reader) ? 403 : 401);
            }
            // the answer comes before the body: a client with a wrong key never gets a byte to the server's disk
            for (String key : new String[] {"hbk_wrong-0123456789abcdef", reader}) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", hb.port())) {
                    socket.setSoTimeout(5000);
                    socket.getOutputStream().write(("POST /api/v1/users/ex-cy/imports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "X-API-Key: " + key + "\r\nContent-Type: application/octet-stream\r\n"
                            + "Content-Length: 40000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII)).readLine();
                    assertThat(status).as("answered with no body sent").startsWith(
                            "HTTP/1.1 " + (key.equals(reader) ? "403" : "401"));
                }
            }
            assertThat(hb.getJson("/api/v1/imports/nope").has("error")).isTrue();
        }
    }

    private static byte[] zipOf(String entry) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write("hello".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** An export of {@code n} step records of one source, a minute apart. */
    static void generate(Writer out, int n) throws IOException {
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HealthData locale=\"en_US\">\n"
                  + " <ExportDate value=\"2025-01-15 09:30:12 +0100\"/>\n");
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        var f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z").withZone(java.time.ZoneOffset.UTC);
        for (int i = 0; i < n; i++) {
            Instant s = t.plusSeconds(60L * i);
            out.write(" <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Anna’s iPhone\" unit=\"count\" "
                      + "startDate=\"" + f.format(s) + "\" endDate=\"" + f.format(s.plusSeconds(50)) + "\" value=\""
                      + (i % 90 + 1) + "\"/>\n");
        }
        out.write("</HealthData>\n");
    }

    /** An export of {@code elements} step samples, written into {@code work}. */
    static Path bigExport(Path work, int elements) throws IOException {
        Path export = work.resolve("big.xml");
        try (Writer w = Files.newBufferedWriter(export)) {
            generate(w, elements);
        }
        return export;
    }

    /** Uploads the export and waits until its job has published its first events; answers the job's id. */
    static String importUnderWay(RunningHealthbridge hb, String user, Path export) throws Exception {
        String id = EventJson.read(upload(hb, user, Files.readAllBytes(export)).body()).get("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode job = hb.getJson("/api/v1/imports/" + id);
        while (job.get("events").asInt() == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            job = hb.getJson("/api/v1/imports/" + id);
        }
        assertThat(job.get("status").asText()).as("still running").isEqualTo("running");
        return id;
    }

    static Properties smallChunks() {
        Properties p = new Properties();
        p.setProperty("healthbridge.imports.chunk", "500");
        return p;
    }

    @Test
    void anImportStoppedByARestartGoesOnWhereItWas(@TempDir Path work) throws Exception {
        Path export = bigExport(work, 30_000);
        Properties p = smallChunks();
        String id;
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            id = importUnderWay(hb, "ex-dan", export);
        }
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, p)) {
            JsonNode job = awaitEnd(hb, id);
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("done");
            // every record exactly once in the store; a chunk published again before the stop counts as duplicates
            assertThat(hb.getJson("/api/v1/users/ex-dan").get("events").asInt()).isEqualTo(30_000);
            // what was published before the stop and not yet recorded comes again as duplicates
            assertThat(job.get("events").asInt() + job.get("duplicates").asInt()).isEqualTo(30_000);
            assertThat(job.get("elements_read").asInt()).isEqualTo(30_000);
        }
    }

    @Test
    void anErasureDuringAnImportStopsItFirstAndLeavesNothingOfTheUser(@TempDir Path work) throws Exception {
        Path export = bigExport(work, 60_000);
        try (RunningHealthbridge hb = RunningHealthbridge.start(work, smallChunks())) {
            String id = importUnderWay(hb, "ex-eve", export);

            long asked = System.nanoTime();
            HttpResponse<String> erased = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/ex-eve")).DELETE());
            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
            // the runner told the erasure when it let go of the job: the erasure did not sit out its wait limit
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(ImportJobs.PAUSE_WAIT.dividedBy(2));

            // longer than any chunk takes: a chunk still in flight would have stored its events by now
            Thread.sleep(3000);
            HttpResponse<String> after = hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/users/ex-eve")).GET());
            assertThat(after.statusCode()).as("nothing held about the user after the erasure: " + after.body())
                    .isEqualTo(404);
            assertThat(hb.send(HttpRequest.newBuilder(hb.uri("/api/v1/imports/" + id)).GET()).statusCode())
                    .isEqualTo(404);
        }
    }
}
