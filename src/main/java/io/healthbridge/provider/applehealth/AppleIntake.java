package io.healthbridge.provider.applehealth;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingException;
import io.healthbridge.event.Nutrients;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;

/**
 * HealthKit's dietary samples and menstrual flow (contract {@code apple-health.md} §3). Each dietary sample is one
 * nutrient an app logged, so it becomes a {@code nutrition} event of that one nutrient (the energy as the value); a
 * Food correlation is not read, because an export repeats its samples at the top level (as it does for blood
 * pressure) and reading both would count a meal twice.
 */
final class AppleIntake {

    static final String DIETARY = "Dietary";
    static final String MENSTRUAL_FLOW = "HKCategoryTypeIdentifierMenstrualFlow";
    /** HealthKit names whose canonical nutrient is not their snake case. */
    private static final Map<String, String> RENAMED = Map.of("FatTotal", "total_fat", "FatSaturated",
            "saturated_fat", "FatMonounsaturated", "monounsaturated_fat", "FatPolyunsaturated", "polyunsaturated_fat",
            "Carbohydrates", "total_carbohydrate", "Fiber", "dietary_fiber");
    /** HealthKit's mass units in UCUM. */
    private static final Map<String, String> MASS_UNITS = Map.of("g", "g", "mg", "mg", "mcg", "ug", "kg", "kg",
            "oz", "[oz_av]", "lb", "[lb_av]");
    /** The flow words of {@code HKCategoryValueMenstrualFlow} and, from iOS 18, {@code HKCategoryValueVaginalBleeding}. */
    private static final Map<String, String> FLOW = Map.of("Unspecified", "unspecified", "None", "none", "Light",
            "light", "Medium", "medium", "Heavy", "heavy");

    private AppleIntake() {
    }

    /** A {@code HKQuantityTypeIdentifierDietary…} sample; {@code name} is the identifier without its prefix. */
    static CanonicalEvent dietary(String name, BigDecimal v, String unit, JsonNode r, EventBuilder b) {
        String kind = name.substring(DIETARY.length());
        if ("EnergyConsumed".equals(kind)) {
            b.value(AppleUnits.kcal(v, unit), "kcal");
        } else {
            String nutrient = RENAMED.getOrDefault(kind, Records.snake(kind));
            if (!Nutrients.MASSES.contains(nutrient)) {
                throw new RecordSkipped("no_canonical_type", "HealthKit " + name + " has no canonical nutrient");
            }
            String ucum = MASS_UNITS.get(unit == null ? "" : unit);
            if (ucum == null) {
                throw new MappingException(name + " has unit '" + unit + "'; HealthKit writes masses in "
                                           + MASS_UNITS.keySet());
            }
            b.put("nutrients", new Nutrients().mass(nutrient, v, ucum).toJson());
        }
        JsonNode metadata = r.path("metadata");
        String meal = metadata.path("HKFoodMeal").asText("").toLowerCase(Locale.ROOT);
        return b.put("meal_type", Nutrients.MEALS.contains(meal) ? meal : null)
                .put("name", Records.optText(metadata, "HKFoodType")).build();
    }

    /**
     * Menstrual flow: the value is a category word; {@code HKMenstrualCycleStart} (the export's key, or the
     * {@code HKMetadataKeyMenstrualCycleStart} a companion app sends) "1" marks the first day of a period.
     */
    static CanonicalEvent flow(JsonNode r, EventBuilder b) {
        String value = r.path("value").asText("");
        String word = null;
        for (String prefix : new String[] {"HKCategoryValueMenstrualFlow", "HKCategoryValueVaginalBleeding"}) {
            if (value.startsWith(prefix)) {
                word = FLOW.get(value.substring(prefix.length()));
            }
        }
        if (word == null) {
            throw new MappingException("menstrual flow value is not one of HKCategoryValueMenstrualFlow or "
                                       + "HKCategoryValueVaginalBleeding " + FLOW.keySet());
        }
        JsonNode metadata = r.path("metadata");
        String start = metadata.path("HKMenstrualCycleStart").asText(
                metadata.path("HKMetadataKeyMenstrualCycleStart").asText(""));
        return b.put("flow", word).put("cycle_start", switch (start) {
            case "1" -> Boolean.TRUE;
            case "0" -> Boolean.FALSE;
            default -> null;
        }).build();
    }
}
