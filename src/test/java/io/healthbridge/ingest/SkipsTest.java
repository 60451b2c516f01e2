package io.healthbridge.ingest;

import java.util.ArrayList;
import java.util.List;

import io.healthbridge.event.EventJson;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.provider.MappedRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A payload's records left out on purpose: every one counted by reason (meter and summary), and said in one INFO line
 * per reason, not a line per record (an Apple export of a million records skips a hundred thousand).
 */
class SkipsTest {

    /** What the publish path's logger writes at INFO and above, while the test runs. */
    static final class Lines extends AbstractAppender {
        final List<String> lines = new ArrayList<>();

        Lines() {
            super("skips-test", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            if (event.getLevel().isMoreSpecificThan(Level.INFO)) {
                lines.add(event.getMessage().getFormattedMessage());
            }
        }
    }

    @Test
    void eachSkipIsCountedAndEachReasonSaidOnce() {
        Logger logger = (Logger) LogManager.getLogger(EventPipeline.class);
        Lines lines = new Lines();
        lines.start();
        logger.addAppender(lines);
        try {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            IngestSummary summary = new IngestSummary();
            Skips skips = new Skips(meters, "apple_health", "export", "u1", summary);
            for (int i = 0; i < 300; i++) {
                skips.add(MappedRecord.skipped(EventJson.object(), "blood_pressure_in_correlation",
                        "a blood pressure correlation's samples are read as records of their own (" + i + ")"));
            }
            skips.add(MappedRecord.skipped(EventJson.object(), "in_bed_only", "time in bed with no sleep sample"));
            skips.said();

            assertThat(meters.get("healthbridge.records.skipped").tag("reason", "blood_pressure_in_correlation")
                    .counter().count()).isEqualTo(300);
            assertThat(meters.get("healthbridge.records.skipped").tag("reason", "in_bed_only").counter().count())
                    .isEqualTo(1);
            assertThat(summary.skipped()).isEqualTo(301);
            assertThat(lines.lines).containsExactly(
                    "Skipped 300 records of apple_health export for user u1 on purpose (blood_pressure_in_correlation): "
                    + "the first: a blood pressure correlation's samples are read as records of their own (0)",
                    "Skipped 1 record of apple_health export for user u1 on purpose (in_bed_only): time in bed with no "
                    + "sleep sample");
        } finally {
            logger.removeAppender(lines);
        }
    }
}
