package io.healthbridge.imports;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.Invariants;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.provider.MappedRecord;
import io.healthbridge.provider.applehealth.AppleHealthMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared sample export ({@code samples/apple-health/export-small.xml}) read as a stream and mapped: the values the
 * contract ({@code apple-health.md} §6.1) gives, and every element accounted for.
 */
class AppleExportMappingTest {

    static final Path SAMPLE = Path.of("src/test/resources/fixtures/apple-health/export-small.xml");
    static final SchemaRegistry SCHEMAS = new SchemaRegistry();
    static final MappingContext CTX = new MappingContext(AppleHealthMapper.PROVIDER, "u-1", null,
            Instant.parse("2025-01-15T09:00:00Z"), ZoneOffset.ofHours(1));

    static List<ObjectNode> elements(InputStream in) throws Exception {
        List<ObjectNode> out = new ArrayList<>();
        try (ExportElements elements = new ExportElements(in)) {
            for (ObjectNode e; (e = elements.next(0, 0)) != null; ) {
                out.add(e);
            }
        }
        return out;
    }

    static List<MappedRecord> mapped(List<ObjectNode> elements) {
        ObjectNode payload = EventJson.object();
        payload.putArray("records").addAll(elements);
        return new AppleHealthMapper().map(AppleHealthMapper.EXPORT, payload, CTX);
    }

    static List<CanonicalEvent> events(List<MappedRecord> mapped, String type) {
        return mapped.stream().flatMap(r -> r.events().stream()).filter(e -> e.type().equals("health." + type))
                .toList();
    }

    static BigDecimal value(CanonicalEvent e) {
        return e.data().at("/value/value").decimalValue();
    }

    @Test
    void theSampleExportComesOutAsTheContractSays() throws Exception {
        List<MappedRecord> mapped;
        try (InputStream in = Files.newInputStream(SAMPLE)) {
            mapped = mapped(elements(in));
        }
        // every event valid; nothing failed; what is left out is counted with its reason
        for (MappedRecord r : mapped) {
            assertThat(r.error()).as("error of %s", r.raw().path("type").asText()).isNull();
            for (CanonicalEvent e : r.events()) {
                assertThat(SCHEMAS.validate(e)).as(e.type()).isEmpty();
                assertThat(Invariants.check(e)).as(e.type()).isEmpty();
            }
        }
        Map<String, Long> skipped = mapped.stream().filter(MappedRecord::isSkipped)
                .collect(Collectors.groupingBy(MappedRecord::skipReason, Collectors.counting()));
        // 2 top-level BP copies; the Food correlation, whose 4 samples are read at the top level; iPhone in-bed time
        // is not sleep
        assertThat(skipped).containsEntry("blood_pressure_in_correlation", 2L)
                .containsEntry("food_read_from_its_records", 1L).containsEntry("in_bed_only", 1L)
                .doesNotContainKey("no_canonical_type");

        // the lunch MyFitnessPal logged: four samples, each its nutrient once (never twice with the correlation's)
        List<CanonicalEvent> food = events(mapped, "nutrition");
        assertThat(food).hasSize(4).allSatisfy(e -> {
            assertThat(e.data().get("meal_type").asText()).isEqualTo("lunch");
            assertThat(e.data().get("start").asText()).isEqualTo("2025-01-14T12:15:00+01:00");
        });
        assertThat(food).filteredOn(e -> e.data().has("value")).singleElement()
                .satisfies(e -> assertThat(value(e)).isEqualByComparingTo("642"));
        Map<String, BigDecimal> nutrients = new java.util.HashMap<>();
        food.forEach(e -> e.data().path("nutrients").fields().forEachRemaining(n -> {
            assertThat(n.getValue().get("unit").asText()).isEqualTo("g");
            nutrients.merge(n.getKey(), n.getValue().get("value").decimalValue(), BigDecimal::add);
        }));
        assertThat(nutrients).containsOnlyKeys("protein", "total_carbohydrate", "total_fat");
        assertThat(nutrients.get("protein")).isEqualByComparingTo("38.5");
        assertThat(nutrients.get("total_carbohydrate")).isEqualByComparingTo("71.2");
        assertThat(nutrients.get("total_fat")).isEqualByComparingTo("21.9");
        // Flo's light flow on the first day of a period
        assertThat(events(mapped, "menstruation_flow")).singleElement().satisfies(e -> {
            assertThat(e.data().get("flow").asText()).isEqualTo("light");
            assertThat(e.data().get("cycle_start").asBoolean()).isTrue();
            assertThat(e.data().at("/provenance/source_app").asText()).isEqualTo("Flo");
        });

        // steps: iPhone and Watch counted the same minutes; two sources, each its own, never one sum of 8,957
        Map<String, Integer> steps = events(mapped, "steps").stream().collect(Collectors.groupingBy(
                e -> e.data().at("/provenance/device/model").asText(), Collectors.summingInt(e -> value(e).intValue())));
        assertThat(steps).containsExactlyInAnyOrderEntriesOf(Map.of("iPhone15,2", 4985, "Watch7,1", 3972));
        assertThat(events(mapped, "steps")).extracting(e -> e.data().at("/provenance/source_app").asText())
                .containsOnly("Anna’s iPhone", "Anna’s Apple Watch");

        // blood pressure: one reading, from the correlation
        assertThat(events(mapped, "blood_pressure")).singleElement().satisfies(e -> {
            assertThat(e.data().at("/systolic/value").decimalValue()).isEqualByComparingTo("128");
            assertThat(e.data().at("/diastolic/value").decimalValue()).isEqualByComparingTo("83");
        });
        // fractions, lb, degF, mmol<180.15…>/L, SDNN
        assertThat(events(mapped, "oxygen_saturation")).extracting(AppleExportMappingTest::value)
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactlyInAnyOrder(new BigDecimal("96"), new BigDecimal("97"), new BigDecimal("95"));
        assertThat(value(events(mapped, "body_fat").get(0))).isEqualByComparingTo("23.1");
        assertThat(events(mapped, "body_weight")).extracting(AppleExportMappingTest::value)
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactlyInAnyOrder(new BigDecimal("69.1"), new BigDecimal("69.4"));
        assertThat(value(events(mapped, "body_temperature").get(0))).isEqualByComparingTo("37");
        assertThat(events(mapped, "blood_glucose")).extracting(AppleExportMappingTest::value)
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactlyInAnyOrder(new BigDecimal("97.284"), new BigDecimal("142.323"));
        CanonicalEvent hrv = events(mapped, "heart_rate_variability").get(0);
        assertThat(hrv.data().get("method").asText()).isEqualTo("sdnn");
        assertThat(value(hrv)).isEqualByComparingTo("42.119");
        // the HRV record's beats, a time of day with U+202F before AM, on the record's date
        assertThat(events(mapped, "heart_rate")).anySatisfy(e -> {
            assertThat(e.data().get("samples")).hasSize(6);
            assertThat(e.data().at("/samples/0/time").asText()).isEqualTo("2025-01-14T03:12:41.52+01:00");
        });

        // sleep: the Watch's night from its stages; Sleep Cycle's and AutoSleep's nights their own
        Map<String, CanonicalEvent> nights = events(mapped, "sleep_session").stream().collect(Collectors.toMap(
                e -> e.data().at("/provenance/source_app").asText(), e -> e));
        assertThat(nights).containsOnlyKeys("Anna’s Apple Watch", "Sleep Cycle", "AutoSleep");
        CanonicalEvent watch = nights.get("Anna’s Apple Watch");
        assertThat(watch.data().at("/duration/value").decimalValue()).isEqualByComparingTo("26970"); // 449.5 min
        Map<String, Integer> stages = new java.util.HashMap<>();
        watch.data().get("stages").forEach(s -> stages.put(s.get("stage").asText(), s.at("/duration/value").asInt()));
        assertThat(stages).containsExactlyInAnyOrderEntriesOf(Map.of("light", 18090, "deep", 4980, "rem", 3900,
                "awake", 210));
        assertThat(nights.get("Sleep Cycle").data().at("/duration/value").asInt()).isEqualTo(26700);
        assertThat(nights.get("AutoSleep").data().at("/duration/value").asInt()).isEqualTo(26100);

        // workouts: the modern one's totals from its statistics, the legacy one's from its attributes
        Map<String, CanonicalEvent> workouts = events(mapped, "workout").stream().collect(Collectors.toMap(
                e -> e.data().get("sport").asText(), e -> e));
        CanonicalEvent run = workouts.get("running");
        assertThat(run.data().at("/distance/value").decimalValue()).isEqualByComparingTo("5820");
        assertThat(run.data().at("/energy/value").decimalValue()).isEqualByComparingTo("402.7");
        assertThat(run.data().at("/duration/value").decimalValue()).isEqualByComparingTo("2142");
        assertThat(run.data().at("/heart_rate/avg").decimalValue()).isEqualByComparingTo("157.3");
        assertThat(workouts.get("traditional_strength_training").data().at("/energy/value").decimalValue())
                .isEqualByComparingTo("188");
        // activity rings: Cal is a kilocalorie
        assertThat(events(mapped, "daily_activity")).extracting(e -> e.data().at("/active_energy/value").decimalValue())
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactlyInAnyOrder(new BigDecimal("498.21"), new BigDecimal("735.42"));
    }

    @Test
    void theSameSampleInALaterExportIsTheSameEvent() throws Exception {
        String xml = Files.readString(SAMPLE);
        // a later export: other device addresses, another export date, one new record
        String later = xml.replace("0x30201a0a0", "0x4111aa000").replace("0x30201b1c0", "0x4111bb000")
                .replace("2025-01-15 09:30:12 +0100", "2025-02-01 10:00:00 +0100")
                .replace("</HealthData>", "<Record type=\"HKQuantityTypeIdentifierBodyMass\" sourceName=\"Health\" "
                        + "unit=\"kg\" startDate=\"2025-01-20 07:00:00 +0100\" endDate=\"2025-01-20 07:00:00 +0100\" "
                        + "value=\"69.0\"/></HealthData>");
        List<String> first = ids(xml);
        List<String> second = ids(later);
        assertThat(second).containsAll(first);
        assertThat(second).hasSize(first.size() + 1);
    }

    private static List<String> ids(String xml) throws Exception {
        return mapped(elements(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))).stream()
                .flatMap(r -> r.events().stream()).map(CanonicalEvent::id).toList();
    }

    @Test
    void readingOnFromTheResumePointLosesNothing() throws Exception {
        List<String> all = ids(Files.readString(SAMPLE));
        for (int stop : new int[] {5, 40, 55}) {
            List<ObjectNode> first = new ArrayList<>();
            long committed;
            long resumeFrom;
            try (ExportElements elements = new ExportElements(Files.newInputStream(SAMPLE))) {
                for (int i = 0; i < stop; i++) {
                    first.add(elements.next(0, 0));
                }
                committed = elements.index();
                resumeFrom = elements.resumePoint();
            }
            List<ObjectNode> rest = new ArrayList<>();
            try (ExportElements elements = new ExportElements(Files.newInputStream(SAMPLE))) {
                for (ObjectNode e; (e = elements.next(committed, resumeFrom)) != null; ) {
                    rest.add(e);
                }
            }
            java.util.Set<String> resumed = new java.util.HashSet<>();
            mapped(first).forEach(r -> r.events().forEach(e -> resumed.add(e.id())));
            mapped(rest).forEach(r -> r.events().forEach(e -> resumed.add(e.id())));
            assertThat(resumed).as("stopped after %d elements", stop).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @Test
    void aNightOfASourceNeverSeenAgainIsGivenOutOnceTheExportHasMovedOn() throws Exception {
        // a year of nights, each from a source of its own (a renamed device, an app tried once)
        StringBuilder xml = new StringBuilder("<HealthData locale=\"en_US\">");
        java.time.LocalDate day = java.time.LocalDate.of(2024, 1, 1);
        for (int i = 0; i < 365; i++, day = day.plusDays(1)) {
            xml.append("<Record type=\"HKCategoryTypeIdentifierSleepAnalysis\" sourceName=\"App ").append(i)
                    .append("\" startDate=\"").append(day).append(" 23:00:00 +0100\" endDate=\"").append(day.plusDays(1))
                    .append(" 06:00:00 +0100\" value=\"HKCategoryValueSleepAnalysisAsleepUnspecified\"/>");
        }
        xml.append("</HealthData>");
        try (ExportElements elements = new ExportElements(new ByteArrayInputStream(xml.toString()
                .getBytes(StandardCharsets.UTF_8)))) {
            int nights = 0;
            long maxHeldBack = 0;
            while (elements.next(0, 0) != null) {
                nights++;
                maxHeldBack = Math.max(maxHeldBack, elements.index() - elements.resumePoint());
            }
            assertThat(nights).isEqualTo(365);
            assertThat(maxHeldBack).as("samples held in open nights").isLessThan(5);
        }
    }

    @Test
    void anIos16ExportWithItsBrokenDtdAndControlCharactersIsRead() throws Exception {
        String xml = Files.readString(SAMPLE);
        // iOS 16: an ATTLIST never closed, and a stray vertical tab inside an attribute
        String broken = xml.replaceFirst("<!ATTLIST ExportDate\\s+value CDATA #REQUIRED\\s*>",
                "<!ATTLIST ExportDate value CDATA #REQUIRED")
                .replace("sourceName=\"Sleep Cycle\"", "sourceName=\"Sleep\u000BCycle\"");
        List<MappedRecord> mapped = mapped(elements(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8))));
        assertThat(events(mapped, "steps")).hasSize(12);
        assertThat(events(mapped, "sleep_session")).extracting(e -> e.data().at("/provenance/source_app").asText())
                .contains("SleepCycle");
    }

    @Test
    void whatIsNotAnExportIsRefusedWithAReason() {
        assertThatThrownBy(() -> elements(new ByteArrayInputStream("<html><body/></html>".getBytes())))
                .isInstanceOf(ImportException.class).hasMessageContaining("not an Apple Health export");
        assertThatThrownBy(() -> elements(new ByteArrayInputStream(("<HealthData><Record type=\"x\" "
                + "source=\"Health\" startDate=\"20150616071916-0700\"/></HealthData>").getBytes())))
                .isInstanceOf(ImportException.class).hasMessageContaining("iOS 9");
        assertThatThrownBy(() -> elements(new ByteArrayInputStream("<HealthData><Record a=\"1\"></HealthData>"
                .getBytes()))).isInstanceOf(ImportException.class).hasMessageContaining("line 1");
    }
}
