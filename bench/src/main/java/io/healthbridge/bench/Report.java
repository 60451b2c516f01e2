package io.healthbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** bench/results/&lt;date&gt;.json and .md, and the same table between the markers in README.md. */
final class Report {

    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";

    private Report() {
    }

    static void write(Path repo, Map<String, Object> result) throws IOException {
        JsonNode r = Bench.JSON.valueToTree(result);
        Path dir = Files.createDirectories(repo.resolve("bench/results"));
        // a file per run: several runs a day each keep theirs (the time the run ended, UTC)
        String name = r.get("date").asText() + "-" + java.time.LocalTime.now(java.time.ZoneOffset.UTC)
                .withNano(0).toString().replace(":", "") + (r.get("quick").asBoolean() ? "-quick" : "");
        Files.writeString(dir.resolve(name + ".json"), Bench.JSON.writeValueAsString(result) + "\n");
        String table = table(r);
        Files.writeString(dir.resolve(name + ".md"), table);
        System.out.println();
        System.out.println(table);
        Path readme = repo.resolve("README.md");
        String text = Files.readString(readme);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (!r.get("quick").asBoolean() && b >= 0 && e > b) {
            Files.writeString(readme, text.substring(0, b + BEGIN.length()) + "\n" + table + text.substring(e));
            Bench.log("README.md table updated; results in bench/results/" + name + ".json");
        }
    }

    static String table(JsonNode r) {
        JsonNode m = r.get("machine");
        JsonNode n = r.get("normalization");
        JsonNode w = r.get("webhooks");
        JsonNode wb = w.get("baseline");
        JsonNode u = r.get("websocket").get("per_user");
        JsonNode a = r.get("websocket").get("everything");
        JsonNode s = r.get("startup_ms");
        JsonNode rl = r.get("reload_ms");
        JsonNode mem = r.get("memory");
        StringBuilder t = new StringBuilder();
        t.append("Measured ").append(r.get("date").asText()).append(" on ").append(m.get("cores").asInt()).append(" cores (")
                .append(m.path("cpu").asText("?")).append("), ").append(m.get("memory_mb").asLong()).append(" MB, ")
                .append(m.get("java").asText()).append("; runtime JVM options: ").append(r.get("runtime_jvm_args").asText())
                .append(".\n\n");
        t.append("| Figure | Healthbridge | Baseline | Target | Met |\n|---|---|---|---|---|\n");
        double ratio = n.get("ratio").asDouble();
        row(t, "1. Normalization (map, validate, dedup, persist) of the mapper tests' sample payloads ("
                + fmt(n.get("events_per_payload")) + " events each), events/s",
                fmt(n.get("events_per_s")) + " ± " + fmt(n.get("events_per_s_error")),
                "Jackson parse + write: " + fmt(n.get("baseline_events_per_s")), "ratio ≥ 0.25 (is " + ratio + ")", ratio >= 0.25);
        JsonNode d = n.path("day_payloads");
        if (d.isObject()) {
            double dayRatio = d.get("ratio").asDouble();
            row(t, "1. Normalization of poll-sized payloads (" + fmt(d.get("events_per_payload")) + " events each), events/s",
                    fmt(d.get("events_per_s")) + " ± " + fmt(d.get("events_per_s_error")),
                    "Jackson parse + write: " + fmt(d.get("baseline_events_per_s")), "ratio ≥ 0.25 (is " + dayRatio + ")",
                    dayRatio >= 0.25);
        }
        double whRatio = w.get("ratio_to_baseline").asDouble();
        row(t, "2. Webhook deliveries/s, 10 endpoints, signed, durable (a backlog of " + fmt(w.get("events")) + " events)",
                fmt(w.get("deliveries_per_s")),
                "plain POSTs: " + fmt(wb.get("deliveries_per_s")), "≥ 2,000/s and ≥ 0.5 of baseline (is " + whRatio + ")",
                w.get("deliveries_per_s").asDouble() >= 2000 && whRatio >= 0.5 && w.get("deliveries").asLong() == w.get("deliveries_expected").asLong());
        row(t, "2. Webhook deliveries/s end to end (publishing at the same time, " + fmt(w.get("end_to_end_publish_events_per_s"))
                + " events/s in)", fmt(w.get("end_to_end_deliveries_per_s")), "", "reported", null);
        row(t, "2. Webhook publish → receipt latency p50 / p99 ms (" + w.get("paced_events_per_s").asInt() + " events/s)",
                lat(w.get("latency_ms")), lat(wb.get("latency_ms")), "reported", null);
        JsonNode cluster = r.path("webhooks_cluster").path("runs");
        for (JsonNode run : cluster) {
            int count = run.get("instances").asInt();
            row(t, "2. Webhook deliveries/s end to end, " + (count == 1 ? "one instance" : count + " instances") + " on PostgreSQL + Kafka ("
                    + fmt(run.get("events")) + " events published across them, " + fmt(run.get("published_per_s"))
                    + " events/s in)", fmt(run.get("deliveries_per_s")) + (run.get("deliveries").asLong()
                    == run.get("deliveries_expected").asLong() ? "" : " (" + fmt(run.get("deliveries")) + " of "
                    + fmt(run.get("deliveries_expected")) + " delivered)"), "", "reported", null);
        }
        JsonNode cap = r.get("ingest_capacity");
        if (cap != null) {
            double capRatio = cap.get("ratio_to_offered").asDouble();
            row(t, "3. Ingest capacity: single-event payloads over HTTP, 32 in flight, each durable before its answer, events/s",
                    fmt(cap.get("events_per_s")) + (cap.get("failed").asLong() == 0 ? "" : " (" + fmt(cap.get("failed"))
                    + " failed)"), "offered by the WebSocket figure: " + fmt(cap.get("offered_events_per_s")),
                    "≥ 10× offered (is " + capRatio + "×)", capRatio >= 10 && cap.get("failed").asLong() == 0);
        }
        ws(t, "3. WebSocket, 1,000 clients on their own user, 1,000 events/s", u);
        ws(t, "3. WebSocket, 100 clients on everything, 1,000 events/s", a);
        if (s.has("bare_median")) {
            double startRatio = s.get("ratio").asDouble();
            row(t, "4. Startup, process start → /health UP, ms (median of " + s.get("runs").size() + " restarts"
                    + (s.has("first_start") ? "; the jar's first start, which writes its class archive: "
                            + fmt(s.get("first_start")) : "") + ")",
                    fmt(s.get("median")), "bare camel-main, one platform-http route: " + fmt(s.get("bare_median")),
                    "≤ 2.5× (is " + startRatio + "×)", startRatio <= 2.5);
        } else {
            row(t, "4. Startup, process start → /health UP, ms (median of " + s.get("runs").size() + ")",
                    fmt(s.get("median")), "", "< 3,000", s.get("median").asLong() < 3000);
        }
        row(t, "4. Reload, route file written → new route serving, ms (median / max)",
                fmt(rl.get("median")) + " / " + fmt(rl.get("max")), "", "< 1,000", rl.get("max").asLong() < 1000);
        if (n.has("peak_rss_mb")) {
            row(t, "5. Peak memory during 1 (the JMH fork: the runtime in-process and the harness): RSS / heap used, MB",
                    n.get("peak_rss_mb").asLong() + " / " + n.get("peak_heap_used_mb").asLong(), "", "RSS < 512",
                    n.get("peak_rss_mb").asLong() < 512);
        }
        row(t, "5. Peak memory during 2–3 (the runtime process): RSS / heap used, MB", mem.get("peak_rss_mb").asLong() + " / "
                + mem.get("peak_heap_used_mb").asLong(), "", "RSS < 512", mem.get("peak_rss_mb").asLong() < 512);
        JsonNode ret = r.get("retention");
        if (ret != null && ret.has("last_round_growth_ratio")) {
            double growth = ret.get("last_round_growth_ratio").asDouble();
            row(t, "6. Store file under retention (" + ret.get("kept").asText() + "), MB after each round of "
                    + fmt(ret.get("events_per_round")) + " events delivered", join(ret.get("file_mb_after_round")),
                    "everything kept: " + join(ret.get("baseline_kept_forever_mb_after_round")),
                    "last round grows ≤ 0.25 of baseline's (is " + growth + ")", growth <= 0.25);
        }
        JsonNode imp = r.get("import");
        if (imp != null && imp.has("ratio_to_stax")) {
            double importRatio = imp.get("ratio_to_stax").asDouble();
            row(t, "7. Apple Health export import, " + fmt(imp.get("elements")) + " records (" + fmt(imp.get("file_mb"))
                    + " MB), upload to job done, s; peak heap MB", fmt(imp.get("import_s")) + "; heap "
                    + fmt(imp.get("peak_heap_used_mb")), "StAX only: " + fmt(imp.get("stax_only_s")),
                    "≤ 3× StAX (is " + importRatio + "×), heap < 256", importRatio <= 3 && imp.get("peak_heap_used_mb").asLong() < 256
                    && imp.get("status").asText().equals("done"));
        }
        JsonNode rec = r.get("reconcile");
        if (rec != null && rec.has("ratio")) {
            double kept = rec.get("ratio").asDouble();
            row(t, "8. Reconciliation, " + fmt(rec.get("days")) + " person-days of " + fmt(rec.get("source_events"))
                    + " events: source events reconciled/s; results/s", fmt(rec.get("reconciled_source_events_per_s"))
                    + "; " + fmt(rec.get("reconciled_results_per_s")), "published/s: "
                    + fmt(rec.get("baseline_published_per_s")), "≥ 0.8 of publishing (is " + kept + ")",
                    kept >= 0.8 && rec.get("failed_requests").asLong() == 0);
        }
        JsonNode sink = r.get("sink");
        if (sink != null && sink.has("ratio")) {
            double pace = sink.get("ratio").asDouble();
            row(t, "9. Route-file sink (NDJSON file), " + fmt(sink.get("events")) + " events: written/s",
                    fmt(sink.get("sink_written_per_s")), "published/s: " + fmt(sink.get("baseline_published_per_s")),
                    "≥ 0.8 of publishing (is " + pace + ")", pace >= 0.8 && sink.get("failed_requests").asLong() == 0);
        }
        return t.toString();
    }

    private static void ws(StringBuilder t, String name, JsonNode x) {
        JsonNode l = x.get("latency_ms");
        row(t, name + ": latency p50 / p99 / max ms, frames dropped",
                fmt(l.get("p50")) + " / " + fmt(l.get("p99")) + " / " + fmt(l.get("max")) + ", " + x.get("frames_dropped").asLong()
                + " of " + fmt(x.get("frames_expected")) + " dropped", "", "p99 < 50, 0 dropped",
                l.get("p99").asDouble() < 50 && x.get("frames_dropped").asLong() == 0);
    }

    private static String lat(JsonNode l) {
        return fmt(l.get("p50")) + " / " + fmt(l.get("p99"));
    }

    private static String fmt(JsonNode v) {
        if (v == null || v.isNull()) {
            return "–";
        }
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format("%,d", (long) d) : String.format("%,.1f", d);
    }

    private static String join(JsonNode values) {
        StringBuilder b = new StringBuilder();
        values.forEach(v -> b.append(b.isEmpty() ? "" : " / ").append(v.asText()));
        return b.toString();
    }

    private static void row(StringBuilder t, String name, String value, String baseline, String target, Boolean met) {
        t.append("| ").append(name).append(" | ").append(value).append(" | ").append(baseline).append(" | ").append(target)
                .append(" | ").append(met == null ? "" : met ? "yes" : "**no**").append(" |\n");
    }
}
