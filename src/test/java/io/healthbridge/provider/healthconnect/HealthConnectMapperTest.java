package io.healthbridge.provider.healthconnect;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.provider.MappedRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The facts of the Health Connect contract ({@code health-connect.md}) that a mapping most easily gets wrong. */
class HealthConnectMapperTest {

    static final HealthConnectMapper MAPPER = new HealthConnectMapper();
    static final MappingContext CTX = new MappingContext(HealthConnectMapper.PROVIDER, "u-1", null,
            Instant.parse("2025-01-14T19:10:05Z"), ZoneId.of("UTC"));
    static final SchemaRegistry SCHEMAS = new SchemaRegistry();

    static List<MappedRecord> map(String records) {
        return MAPPER.map(HealthConnectMapper.DATASET, EventJson.read("{\"records\":[" + records + "]}"), CTX);
    }

    static CanonicalEvent one(String record) {
        List<MappedRecord> out = map(record);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).error()).as("error").isNull();
        assertThat(out.get(0).events()).hasSize(1);
        CanonicalEvent e = out.get(0).events().get(0);
        assertThat(SCHEMAS.validate(e)).isEmpty();
        return e;
    }

    static String error(String record) {
        List<MappedRecord> out = map(record);
        assertThat(out.get(0).error()).as("refused").isNotNull();
        return out.get(0).error();
    }

    static String instant(String type, String values) {
        return "{\"recordType\":\"" + type + "\",\"metadata\":{\"id\":\"r-" + type + "\",\"dataOrigin\":"
               + "{\"packageName\":\"com.example\"},\"clientRecordVersion\":0},\"time\":\"2025-01-14T06:00:00Z\","
               + "\"zoneOffset\":\"+01:00\",\"values\":" + values + "}";
    }

    static String interval(String type, String start, String end, String values) {
        return "{\"recordType\":\"" + type + "\",\"metadata\":{\"id\":\"r-" + type + "\",\"dataOrigin\":"
               + "{\"packageName\":\"com.example\"}},\"startTime\":\"" + start + "\",\"startZoneOffset\":\"+01:00\","
               + "\"endTime\":\"" + end + "\",\"endZoneOffset\":\"+01:00\",\"values\":" + values + "}";
    }

    static BigDecimal value(CanonicalEvent e, String field) {
        return e.data().get(field).get("value").decimalValue();
    }

    @Test
    void theSharedBatchKeepsEverySourceApartAndTheNewestVersion() throws Exception {
        JsonNode batch = EventJson.MAPPER.readTree(Path.of("src/test/resources/fixtures/health-connect/batch.json")
                .toFile());
        List<MappedRecord> out = MAPPER.map(HealthConnectMapper.DATASET, batch, CTX);
        assertThat(out).hasSize(batch.get("records").size());
        List<CanonicalEvent> events = out.stream().flatMap(r -> r.events().stream()).toList();
        // steps 07:00-07:30Z: Samsung's watch and Google Fit's phone both counted them; two sources, never one sum
        Map<String, Integer> steps = events.stream().filter(e -> e.type().equals("health.steps")).collect(
                Collectors.groupingBy(e -> e.data().at("/provenance/source_app").asText(),
                        Collectors.summingInt(e -> e.data().at("/value/value").asInt())));
        assertThat(steps).containsExactlyInAnyOrderEntriesOf(Map.of("com.sec.android.app.shealth", 2436,
                "com.google.android.apps.fitness", 2391));
        // the weight written three times (versions 1, 2, 3) is one measurement: version 3, with its scale
        List<CanonicalEvent> weights = events.stream().filter(e -> e.type().equals("health.body_weight")).toList();
        assertThat(weights).hasSize(1);
        assertThat(value(weights.get(0), "value")).isEqualByComparingTo("69.1");
        assertThat(weights.get(0).data().at("/provenance/device/type").asText()).isEqualTo("scale");
        assertThat(out.stream().filter(r -> "superseded".equals(r.skipReason()))).hasSize(2);
        // Google Fit's distance in km, the temperature in degF
        assertThat(events.stream().filter(e -> e.type().equals("health.distance"))
                .map(e -> value(e, "value").stripTrailingZeros().toPlainString()))
                .containsExactlyInAnyOrder("1843.2", "1790");
        assertThat(events.stream().filter(e -> e.type().equals("health.body_temperature")).map(e -> value(e, "value")))
                .singleElement().satisfies(t -> assertThat(t).isEqualByComparingTo("37"));
        // every record is an event, a counted skip or a dead letter
        assertThat(out).allSatisfy(r -> assertThat(!r.events().isEmpty() || r.skipReason() != null || r.error() != null)
                .isTrue());
        // total calories alone have no canonical type (never added to active energy)
        assertThat(out.stream().filter(r -> "no_canonical_type".equals(r.skipReason()))).hasSize(1);
        // MyFitnessPal's lunch: kcal as the value, every nutrient in grams (sodium 1.21 g, not mg)
        assertThat(events.stream().filter(e -> e.type().equals("health.nutrition"))).singleElement().satisfies(e -> {
            assertThat(value(e, "value")).isEqualByComparingTo("642");
            JsonNode n = e.data().get("nutrients");
            assertThat(n.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder("protein",
                    "total_carbohydrate", "total_fat", "saturated_fat", "sugar", "dietary_fiber", "sodium");
            assertThat(n.at("/total_carbohydrate/value").decimalValue()).isEqualByComparingTo("71.2");
            assertThat(n.at("/sodium/value").decimalValue()).isEqualByComparingTo("1.21");
            assertThat(n.at("/sodium/unit").asText()).isEqualTo("g");
            assertThat(e.data().get("meal_type").asText()).isEqualTo("lunch");
            assertThat(e.data().get("name").asText()).isEqualTo("Chicken burrito bowl");
        });
        assertThat(events.stream().filter(e -> e.type().equals("health.menstruation_flow"))).singleElement()
                .satisfies(e -> {
                    assertThat(e.data().get("flow").asText()).isEqualTo("light");
                    assertThat(e.data().get("start").asText()).isEqualTo("2025-01-14T08:00:00+01:00");
                });
    }

    @Test
    void nutritionInOtherUnitsAndTheFlowsItDoesNotKnow() {
        CanonicalEvent food = map(interval("NutritionRecord", "2025-01-14T11:00:00Z", "2025-01-14T11:10:00Z",
                "{\"energy\":{\"value\":2000,\"unit\":\"kJ\"},\"caffeine\":{\"value\":95,\"unit\":\"mg\"},"
                + "\"vitaminB12\":{\"value\":2.4,\"unit\":\"ug\"},\"mealType\":4,\"servingSize\":1}")).get(0).events()
                .get(0);
        assertThat(value(food, "value")).isEqualByComparingTo("478.011");
        assertThat(food.data().at("/nutrients/caffeine/value").decimalValue()).isEqualByComparingTo("0.095");
        assertThat(food.data().at("/nutrients/vitamin_b12/value").decimalValue()).isEqualByComparingTo("0.0000024");
        assertThat(food.data().get("meal_type").asText()).isEqualTo("snack");
        assertThat(food.data().at("/provenance/omitted/0/field").asText()).isEqualTo("servingSize");
        assertThat(error(interval("NutritionRecord", "2025-01-14T11:00:00Z", "2025-01-14T11:10:00Z",
                "{\"protein\":{\"value\":-3,\"unit\":\"g\"}}"))).contains("protein");
        assertThat(map(interval("NutritionRecord", "2025-01-14T11:00:00Z", "2025-01-14T11:10:00Z",
                "{\"name\":\"water\"}")).get(0).skipReason()).isEqualTo("no_nutrients");
        assertThat(map(instant("MenstruationFlowRecord", "{}")).get(0).events().get(0).data().get("flow").asText())
                .isEqualTo("unspecified");
        assertThat(error(instant("MenstruationFlowRecord", "{\"flow\":4}"))).contains("FLOW_");
    }

    @Test
    void theDemosBatchIsTheSharedSample() throws Exception {
        assertThat(java.nio.file.Files.readString(Path.of("src/main/resources/demo/health-connect-batch.json")))
                .isEqualTo(java.nio.file.Files.readString(Path.of("src/test/resources/fixtures/health-connect/batch.json")));
    }

    @Test
    void unitsConvertWithHealthConnectsOwnConstants() {
        // a mile is 1609.34 m in Health Connect (not 1609.344), 1 mmol/L is 18.0 mg/dL, a pound 453.59237 g
        assertThat(value(one(interval("DistanceRecord", "2025-01-14T07:00:00Z", "2025-01-14T07:30:00Z",
                "{\"distance\":{\"value\":2,\"unit\":\"mi\"}}")), "value")).isEqualByComparingTo("3218.68");
        assertThat(value(one(instant("BloodGlucoseRecord", "{\"level\":{\"value\":5.5,\"unit\":\"mmol/L\"}}")),
                "value")).isEqualByComparingTo("99");
        assertThat(value(one(instant("WeightRecord", "{\"weight\":{\"value\":150,\"unit\":\"lb\"}}")), "value"))
                .isEqualByComparingTo("68.039");
        // the small calorie and kilojoules
        assertThat(value(one(interval("ActiveCaloriesBurnedRecord", "2025-01-14T07:00:00Z", "2025-01-14T07:30:00Z",
                "{\"energy\":{\"value\":96400,\"unit\":\"cal\"}}")), "value")).isEqualByComparingTo("96.4");
        assertThat(value(one(interval("ActiveCaloriesBurnedRecord", "2025-01-14T07:00:00Z", "2025-01-14T07:30:00Z",
                "{\"energy\":{\"value\":100,\"unit\":\"kJ\"}}")), "value")).isEqualByComparingTo("23.901");
        assertThat(error(instant("WeightRecord", "{\"weight\":{\"value\":70,\"unit\":\"stone\"}}"))).contains("stone");
    }

    @Test
    void valuesOutsideHealthConnectsRangesAreRefusedRecordByRecord() {
        // a percentage is 0-100 in Health Connect: 150 is a broken value, never stored
        assertThat(error(instant("OxygenSaturationRecord", "{\"percentage\":{\"value\":150,\"unit\":\"%\"}}")))
                .contains("percentage");
        assertThat(error(instant("RestingHeartRateRecord", "{\"beatsPerMinute\":0}"))).contains("beatsPerMinute");
        assertThat(error(instant("BloodPressureRecord", "{\"systolic\":{\"value\":120,\"unit\":\"mmHg\"}}")))
                .contains("both");
        assertThat(error(interval("StepsRecord", "2025-01-14T07:30:00Z", "2025-01-14T07:00:00Z", "{\"count\":5}")))
                .contains("not before");
        assertThat(error(interval("SleepSessionRecord", "2025-01-13T22:00:00Z", "2025-01-14T06:00:00Z",
                "{\"stages\":[{\"startTime\":\"2025-01-13T22:00:00Z\",\"endTime\":\"2025-01-14T01:00:00Z\","
                + "\"stage\":4},"
                + "{\"startTime\":\"2025-01-14T00:30:00Z\",\"endTime\":\"2025-01-14T06:00:00Z\",\"stage\":5}]}")))
                .contains("overlap");
        // one bad record never takes its neighbours with it
        List<MappedRecord> mixed = map(instant("RestingHeartRateRecord", "{\"beatsPerMinute\":0}") + ","
                                       + instant("RespiratoryRateRecord", "{\"rate\":14.5}"));
        assertThat(mixed.get(0).error()).isNotNull();
        assertThat(mixed.get(1).events()).hasSize(1);
    }

    @Test
    void sleepStagesAreKeyedOnTheirIntsAndOutOfBedIsNotInBed() {
        CanonicalEvent sleep = one(interval("SleepSessionRecord", "2025-01-13T22:00:00Z", "2025-01-14T06:00:00Z",
                "{\"stages\":[{\"startTime\":\"2025-01-13T22:00:00Z\",\"endTime\":\"2025-01-14T01:00:00Z\","
                + "\"stage\":4},"
                + "{\"startTime\":\"2025-01-14T01:00:00Z\",\"endTime\":\"2025-01-14T01:30:00Z\",\"stage\":3},"
                + "{\"startTime\":\"2025-01-14T01:30:00Z\",\"endTime\":\"2025-01-14T03:00:00Z\",\"stage\":2},"
                + "{\"startTime\":\"2025-01-14T03:00:00Z\",\"endTime\":\"2025-01-14T04:00:00Z\",\"stage\":6},"
                + "{\"startTime\":\"2025-01-14T04:00:00Z\",\"endTime\":\"2025-01-14T06:00:00Z\",\"stage\":7}]}"));
        // asleep: light 3 h + asleep 1.5 h + REM 1 h; awake: out of bed 0.5 h + awake in bed 2 h; in bed: 8 h - 0.5 h
        assertThat(value(sleep, "duration")).isEqualByComparingTo(String.valueOf(5.5 * 3600));
        assertThat(value(sleep, "time_in_bed")).isEqualByComparingTo(String.valueOf(7.5 * 3600));
        assertThat(sleep.data().get("stages").findValuesAsText("stage")).containsExactly("light", "awake", "asleep",
                "rem");
        assertThat(sleep.data().get("segments").get(0).get("start").asText()).isEqualTo("2025-01-13T23:00:00+01:00");
    }

    @Test
    void missingOffsetsAndUnknownEnumsAreSaidNotGuessed() {
        CanonicalEvent e = one("{\"recordType\":\"RespiratoryRateRecord\",\"metadata\":{\"id\":\"r-x\"},"
                               + "\"time\":\"2025-01-14T06:00:00Z\",\"zoneOffset\":null,\"values\":{\"rate\":15}}");
        assertThat(e.data().get("start").asText()).isEqualTo("2025-01-14T06:00:00Z");
        assertThat(e.data().at("/provenance/omitted").findValuesAsText("field")).contains("local_offset");
        CanonicalEvent t = one(instant("BodyTemperatureRecord",
                "{\"temperature\":{\"value\":36.6,\"unit\":\"degC\"},\"measurementLocation\":42}"));
        assertThat(t.data().get("measurement_location").asText()).isEqualTo("unknown(42)");
        CanonicalEvent w = one(interval("ExerciseSessionRecord", "2025-01-14T17:00:00Z", "2025-01-14T18:00:00Z",
                "{\"exerciseType\":99}"));
        assertThat(w.data().get("sport").asText()).isEqualTo("other_workout");
        assertThat(w.data().at("/provenance/estimated").findValuesAsText("field")).contains("sport");
    }
}
