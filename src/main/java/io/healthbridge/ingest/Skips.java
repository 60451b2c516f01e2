package io.healthbridge.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.healthbridge.event.IngestSummary;
import io.healthbridge.provider.MappedRecord;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of one payload left out on purpose: each counted ({@code healthbridge.records.skipped} by provider and
 * reason, and the payload's summary) as it comes, and said in one INFO line per reason when the payload is mapped,
 * with the first record's detail; every record's detail is at DEBUG. An export of a million records skips a hundred
 * thousand by design (blood-pressure copies, Food correlations); a line each buried the log and cost the import.
 */
final class Skips {

    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

    private record Reason(int[] count, String firstDetail) {
    }

    private final MeterRegistry meters;
    private final String provider;
    private final String dataset;
    private final String userId;
    private final IngestSummary summary;
    private final Map<String, Reason> reasons = new LinkedHashMap<>();

    Skips(MeterRegistry meters, String provider, String dataset, String userId, IngestSummary summary) {
        this.meters = meters;
        this.provider = provider;
        this.dataset = dataset;
        this.userId = userId;
        this.summary = summary;
    }

    void add(MappedRecord record) {
        String reason = record.skipReason();
        reasons.computeIfAbsent(reason, r -> new Reason(new int[1], record.skipDetail())).count()[0]++;
        if (summary != null) {
            summary.countSkipped(reason);
        }
        LOG.debug("Skipped a {} {} record of user {} on purpose ({}): {}", provider, dataset, userId, reason,
                record.skipDetail());
    }

    /** Counts the payload's skips by reason and says them, one line per reason. */
    void said() {
        reasons.forEach((reason, r) -> {
            int n = r.count()[0];
            meters.counter("healthbridge.records.skipped", "provider", provider, "reason", reason).increment(n);
            LOG.info("Skipped {} record{} of {} {} for user {} on purpose ({}): {}", n, n == 1 ? "" : "s", provider,
                    dataset, userId, reason, n == 1 ? r.firstDetail() : "the first: " + r.firstDetail());
        });
    }
}
