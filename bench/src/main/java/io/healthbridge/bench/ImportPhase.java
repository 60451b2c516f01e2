package io.healthbridge.bench;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An Apple Health export of a million records imported end to end (uploaded, streamed, mapped, published through the
 * publish path a chunk at a time), against the time this JVM needs only to stream the same file through a StAX parser,
 * in the same run; and the importing runtime's peak heap. The export repeats the shared sample's elements (iPhone and
 * Watch steps, heart rate, sleep stages, blood pressure correlations, workouts, activity summaries), each copy a day
 * later than the one before, so every copy is new data.
 */
final class ImportPhase {

    /** The times of a sample (not the creation date inside a device's description, which stays one device). */
    private static final Pattern DATE = Pattern.compile(
            "((?:startDate|endDate|creationDate|date)=\")(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) ([+-]\\d{4})");
    private static final Pattern DAY = Pattern.compile("dateComponents=\"(\\d{4}-\\d{2}-\\d{2})\"");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private ImportPhase() {
    }

    static Map<String, Object> run(Path repo, Path jar, List<String> jvmArgs, int records) throws Exception {
        Path work = RuntimeProcess.prepare(repo);
        Path export = work.resolve("export.xml");
        long elements = generate(repo.resolve("src/test/resources/fixtures/apple-health/export-small.xml"), export,
                records);
        long size = Files.size(export);
        Bench.log("import: " + elements + " elements, " + size / 1048576 + " MB");
        double staxSeconds = stax(export);
        Bench.log("import: StAX alone " + staxSeconds + " s");
        Map<String, String> env = Map.of("HEALTHBRIDGE_SIMULATOR_ENABLED", "false", "HEALTHBRIDGE_DEMO_USERS", "");
        Map<String, Object> out = new LinkedHashMap<>();
        try (RuntimeProcess rt = RuntimeProcess.start(jar, work, env, jvmArgs)) {
            rt.startSampling();
            long start = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + rt.port + "/api/v1/users/bench-import/imports"))
                    .header("X-API-Key", Bench.ADMIN_KEY).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(export)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
            }
            String id = Bench.JSON.readTree(r.body()).get("id").asText();
            JsonNode job;
            do {
                Thread.sleep(1000);
                job = Bench.api(rt, "GET", "/api/v1/imports/" + id, null);
            } while (!job.get("status").asText().equals("done") && !job.get("status").asText().equals("failed"));
            double importSeconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
            out.put("elements", elements);
            out.put("file_mb", size / 1048576);
            out.put("status", job.get("status").asText());
            out.put("events", job.get("events").asLong());
            out.put("duplicates", job.get("duplicates").asLong());
            out.put("dead_letters", job.get("dead_letters").asLong());
            out.put("skipped", job.get("skipped"));
            out.put("import_s", importSeconds);
            out.put("stax_only_s", staxSeconds);
            out.put("ratio_to_stax", Math.round(importSeconds / staxSeconds * 10) / 10.0);
            out.put("target_ratio", 3);
            out.put("peak_heap_used_mb", rt.peakHeap() / 1024 / 1024);
            out.put("target_heap_mb", 256);
        }
        return out;
    }

    /** The sample's elements, copied until there are {@code records}; copy n is n days later. */
    static long generate(Path sample, Path export, int records) throws Exception {
        String xml = Files.readString(sample);
        int begin = xml.indexOf("<HealthData");
        int body = xml.indexOf('>', begin) + 1;
        int end = xml.lastIndexOf("</HealthData>");
        String head = xml.substring(0, body);
        List<String> elements = topLevel(xml.substring(body, end));
        long written = 0;
        try (BufferedWriter w = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            w.write(head);
            w.write("\n");
            w.write(" <ExportDate value=\"2030-01-01 00:00:00 +0100\"/>\n");
            for (int day = 0; written < records; day++) {
                for (String e : elements) {
                    if (written >= records) {
                        break;
                    }
                    w.write(shift(e, day));
                    w.write("\n");
                    written++;
                }
            }
            w.write("</HealthData>\n");
        }
        return written;
    }

    /** The top-level elements of the document's body (not ExportDate, Me, comments). */
    private static List<String> topLevel(String body) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while ((i = body.indexOf('<', i)) >= 0) {
            if (body.startsWith("<!--", i)) {
                i = body.indexOf("-->", i) + 3;
                continue;
            }
            int nameEnd = i + 1;
            while (Character.isLetter(body.charAt(nameEnd))) {
                nameEnd++;
            }
            String name = body.substring(i + 1, nameEnd);
            int tagEnd = body.indexOf('>', i);
            int end = body.charAt(tagEnd - 1) == '/' ? tagEnd + 1 : body.indexOf("</" + name + ">", i) + name.length() + 3;
            if (!name.equals("ExportDate") && !name.equals("Me")) {
                out.add(body.substring(i, end));
            }
            i = end;
        }
        return out;
    }

    private static String shift(String element, int days) {
        if (days == 0) {
            return element;
        }
        Matcher m = DATE.matcher(element);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String t = LocalDateTime.parse(m.group(2) + " " + m.group(3), LOCAL).plusDays(days).format(LOCAL);
            m.appendReplacement(b, m.group(1) + t + " " + m.group(4));
        }
        m.appendTail(b);
        Matcher d = DAY.matcher(b);
        StringBuilder c = new StringBuilder();
        while (d.find()) {
            d.appendReplacement(c, "dateComponents=\"" + java.time.LocalDate.parse(d.group(1)).plusDays(days) + "\"");
        }
        d.appendTail(c);
        return c.toString();
    }

    /** Seconds to stream the file through StAX, every element visited (best of two, the first warms up). */
    static double stax(Path export) throws Exception {
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 2; run++) {
            long start = System.nanoTime();
            XMLInputFactory f = XMLInputFactory.newFactory();
            f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            long count = 0;
            try (InputStream in = Files.newInputStream(export)) {
                XMLStreamReader x = f.createXMLStreamReader(new java.io.InputStreamReader(
                        new java.io.BufferedInputStream(in, 1 << 16), StandardCharsets.UTF_8));
                while (x.hasNext()) {
                    if (x.next() == XMLStreamConstants.START_ELEMENT) {
                        count += x.getAttributeCount();
                    }
                }
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
            if (count == 0) {
                throw new IllegalStateException("no attributes read");
            }
        }
        return Math.round(best * 100) / 100.0;
    }
}
