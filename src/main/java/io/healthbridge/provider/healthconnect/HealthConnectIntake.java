package io.healthbridge.provider.healthconnect;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingException;
import io.healthbridge.event.Nutrients;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;

import static io.healthbridge.provider.healthconnect.HealthConnectUnits.within;

/** Health Connect's NutritionRecord and MenstruationFlowRecord (contract {@code health-connect.md} §3, §4). */
final class HealthConnectIntake {

    /** NutritionRecord's ranges: energy 0–100,000 kcal, the macronutrients up to 100,000 g. */
    private static final BigDecimal MAX = BigDecimal.valueOf(100_000);
    /** {@code MenstruationFlowRecord.FLOW_*}; FLOW_UNKNOWN is flow logged without its amount. */
    static final Map<Integer, String> FLOW = Map.of(0, "unspecified", 1, "light", 2, "medium", 3, "heavy");

    private HealthConnectIntake() {
    }

    /**
     * A food or meal: {@code energy} is the value, every Mass field a nutrient in grams under its snake-case name,
     * {@code energyFromFat} in kcal. A field that is no NutritionRecord field is named in {@code provenance.omitted}.
     */
    static CanonicalEvent nutrition(EventBuilder b, JsonNode v) {
        Nutrients nutrients = new Nutrients();
        BigDecimal energy = null;
        for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            JsonNode q = v.get(field);
            if (q.isNull() || "name".equals(field) || "mealType".equals(field)) {
                continue;
            }
            String nutrient = Records.snake(field);
            if ("energy".equals(field)) {
                energy = within(HealthConnectUnits.kcal(q, field), BigDecimal.ZERO, MAX, "energy (kcal)");
            } else if (Nutrients.ENERGY_FROM_FAT.equals(nutrient)) {
                nutrients.energyFromFat(within(HealthConnectUnits.kcal(q, field), BigDecimal.ZERO, MAX,
                        field + " (kcal)"), "kcal");
            } else if (Nutrients.MASSES.contains(nutrient)) {
                nutrients.mass(nutrient, within(HealthConnectUnits.grams(q, field), BigDecimal.ZERO, MAX,
                        field + " (g)"), "g");
            } else {
                b.omitted(field, "not a field of Health Connect's NutritionRecord");
            }
        }
        if (energy == null && nutrients.isEmpty()) {
            throw new RecordSkipped("no_nutrients", "a nutrition record with neither energy nor a nutrient");
        }
        String meal = HealthConnectEnums.name(HealthConnectEnums.MEAL_TYPE, v.get("mealType"));
        if (meal != null && !Nutrients.MEALS.contains(meal)) {
            b.omitted("meal_type", "meal type " + meal + " is not one of Health Connect's MEAL_TYPE values");
            meal = null;
        }
        return b.value(energy, "kcal").put("nutrients", nutrients.toJson()).put("meal_type", meal)
                .put("name", Records.optText(v, "name")).build();
    }

    /** How heavy the flow was; an absent {@code flow} is Health Connect's default, FLOW_UNKNOWN. */
    static CanonicalEvent flow(EventBuilder b, JsonNode v) {
        JsonNode f = v.get("flow");
        String flow = f == null || f.isNull() ? FLOW.get(0) : f.isIntegralNumber() ? FLOW.get(f.intValue()) : null;
        if (flow == null) {
            throw new MappingException("flow is not one of Health Connect's FLOW_* values " + FLOW.keySet());
        }
        return b.put("flow", flow).build();
    }
}
