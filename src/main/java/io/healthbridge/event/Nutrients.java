package io.healthbridge.event;

import java.math.BigDecimal;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The nutrients a {@code nutrition} event carries, under Health Connect's NutritionRecord names in snake case (the
 * larger vocabulary of the phone stores; HealthKit's dietary types map onto it). Every amount is in grams, energy from
 * fat in kcal; the food energy itself is the event's value.
 */
public final class Nutrients {

    public static final String ENERGY_FROM_FAT = "energy_from_fat";
    /** Masses, in grams. */
    public static final Set<String> MASSES = Set.of("biotin", "caffeine", "calcium", "chloride", "cholesterol",
            "chromium", "copper", "dietary_fiber", "folate", "folic_acid", "iodine", "iron", "magnesium", "manganese",
            "molybdenum", "monounsaturated_fat", "niacin", "pantothenic_acid", "phosphorus", "polyunsaturated_fat",
            "potassium", "protein", "riboflavin", "saturated_fat", "selenium", "sodium", "sugar", "thiamin",
            "total_carbohydrate", "total_fat", "trans_fat", "unsaturated_fat", "vitamin_a", "vitamin_b12",
            "vitamin_b6", "vitamin_c", "vitamin_d", "vitamin_e", "vitamin_k", "zinc");
    /** Health Connect's meal types, also the words HealthKit apps write in their meal metadata. */
    public static final Set<String> MEALS = Set.of("breakfast", "lunch", "dinner", "snack", "unknown");

    /** Nine decimals of a gram: a vitamin's micrograms keep three digits (events elsewhere keep three decimals). */
    private static final int SCALE = 9;

    private final ObjectNode node = EventJson.object();

    /** Adds a mass, converted from the UCUM {@code unit} to grams; an unknown name is refused. */
    public Nutrients mass(String name, BigDecimal value, String unit) {
        if (!MASSES.contains(name)) {
            throw new MappingException("'" + name + "' is not a nutrient of the canonical model");
        }
        return put(name, value, unit, "g");
    }

    public Nutrients energyFromFat(BigDecimal value, String unit) {
        return put(ENERGY_FROM_FAT, value, unit, "kcal");
    }

    private Nutrients put(String name, BigDecimal value, String unit, String canonical) {
        if (value.signum() < 0) {
            throw new MappingException(name + " is negative: " + value.toPlainString());
        }
        ObjectNode q = EventJson.object();
        q.put("value", Units.convert(value, unit, canonical, SCALE));
        q.put("unit", canonical);
        node.set(name, q);
        return this;
    }

    public boolean isEmpty() {
        return node.isEmpty();
    }

    /** The {@code nutrients} object, or null when none was added. */
    public ObjectNode toJson() {
        return node.isEmpty() ? null : node;
    }
}
