package io.healthbridge.event;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every canonical data type: its CloudEvents type, the one UCUM unit its main quantity is converted to, and the
 * LOINC code where one exists. Codes are those of the FHIR R4 vital-signs profiles and the HL7 PHR sleep value set;
 * types without an established code carry none rather than a guessed one.
 */
public enum DataType {

    HEART_RATE("heart_rate", "/min", new Loinc("8867-4", "Heart rate")),
    RESTING_HEART_RATE("resting_heart_rate", "/min", new Loinc("40443-4", "Heart rate --resting")),
    /** RMSSD or SDNN, named in data.method; only SDNN has a LOINC code. */
    HEART_RATE_VARIABILITY("heart_rate_variability", "ms", null),
    STEPS("steps", "{steps}", new Loinc("55423-8", "Number of steps in unspecified time Pedometer")),
    DISTANCE("distance", "m", null),
    ACTIVE_ENERGY("active_energy", "kcal", null),
    OXYGEN_SATURATION("oxygen_saturation", "%", new Loinc("2708-6", "Oxygen saturation in Arterial blood")),
    RESPIRATORY_RATE("respiratory_rate", "/min", new Loinc("9279-1", "Respiratory rate")),
    BODY_TEMPERATURE("body_temperature", "Cel", new Loinc("8310-5", "Body temperature")),
    BODY_WEIGHT("body_weight", "kg", new Loinc("29463-7", "Body weight")),
    BODY_FAT("body_fat", "%", new Loinc("41982-0", "Percentage of body fat Measured")),
    BODY_HEIGHT("body_height", "m", new Loinc("8302-2", "Body height")),
    BODY_MASS_INDEX("body_mass_index", "kg/m2", new Loinc("39156-5", "Body mass index (BMI) [Ratio]")),
    /** Fat-free mass: everything but fat (Withings type 5). */
    LEAN_BODY_MASS("lean_body_mass", "kg", null),
    FAT_MASS("fat_mass", "kg", null),
    MUSCLE_MASS("muscle_mass", "kg", null),
    BONE_MASS("bone_mass", "kg", null),
    /** Total body water as a mass (Withings "hydration", type 77, is kilograms). */
    BODY_WATER("body_water", "kg", null),
    BLOOD_PRESSURE("blood_pressure", "mm[Hg]", new Loinc("85354-9", "Blood pressure panel with all children optional")),
    BLOOD_GLUCOSE("blood_glucose", "mg/dL", new Loinc("2339-0", "Glucose [Mass/volume] in Blood")),
    SLEEP_SESSION("sleep_session", "s", new Loinc("93832-4", "Sleep duration")),
    /** A provider's own readiness (recovery) score of a day, on its own scale: not comparable across providers. */
    READINESS_SCORE("readiness_score", "{score}", null),
    /** A provider's own score of a night's sleep, on its own scale: not comparable across providers. */
    SLEEP_SCORE("sleep_score", "{score}", null),
    /** A provider's stress level over time, sampled on its own 0-100 scale: not comparable across providers. */
    STRESS_LEVEL("stress_level", "{score}", null),
    /** How far the skin or body temperature was from the person's own baseline (a difference, not a temperature). */
    BODY_TEMPERATURE_DEVIATION("body_temperature_deviation", "Cel", null),
    /** Maximal oxygen uptake per kilogram of body weight, as a device estimates it (not a laboratory test). */
    VO2_MAX("vo2_max", "mL/(kg.min)", null),
    /** Arterial pulse wave velocity, a measure of arterial stiffness (Withings' scales, Oura's estimate). */
    PULSE_WAVE_VELOCITY("pulse_wave_velocity", "m/s", null),
    /** A provider's estimate of the age the person's arteries behave like, in years: a prediction, not an age. */
    VASCULAR_AGE("vascular_age", "a", null),
    /**
     * Time of a day a provider counted in high stress (the value) and in high recovery, in seconds, relative to the
     * person's own data (Oura: the top and bottom quartiles of their daytime readings): not comparable across providers.
     */
    DAILY_STRESS("daily_stress", "s", null),
    /** A provider's resilience level of a day as its rank on the provider's own ordinal scale, with its word. */
    RESILIENCE("resilience", "{score}", null),
    /** A mindfulness practice (breathing, meditation, relaxation): its duration in seconds. */
    MINDFULNESS_SESSION("mindfulness_session", "s", null),
    /**
     * What a person ate or drank at one time (a meal, a food, or one nutrient an app logged): the energy as the value
     * when given, and {@code nutrients} in grams under {@link Nutrients}' names.
     */
    NUTRITION("nutrition", "kcal", null),
    /** A dose of insulin a person took, in international units, with its kind (fast or long acting) when known. */
    INSULIN_DOSE("insulin_dose", "[iU]", null),
    /** How heavy a person's menstrual flow was (a word, no quantity), with the start of a cycle when the app says so. */
    MENSTRUATION_FLOW("menstruation_flow", null, null),
    WORKOUT("workout", "s", null),
    DAILY_ACTIVITY("daily_activity", "{steps}", null),
    /**
     * A tombstone: the measurement named by {@code data.key} (and the event ids published under it) is gone at its
     * source; {@code data.deleted} says which type it was.
     */
    DELETED("deleted", null, null),
    CONNECTION_CREATED("connection.created", null, null),
    CONNECTION_REVOKED("connection.revoked", null, null),
    CONNECTION_ERROR("connection.error", null, null),
    /** A webhook endpoint was disabled (410 Gone, or failing for too long); subject is the endpoint id. */
    WEBHOOK_DISABLED("webhook.disabled", null, null),
    /** Everything held about a user was erased; downstream systems erase their copies. Carries no health data. */
    USER_ERASED("user.erased", null, null);

    public static final Loinc SYSTOLIC = new Loinc("8480-6", "Systolic blood pressure");
    public static final Loinc DIASTOLIC = new Loinc("8462-4", "Diastolic blood pressure");
    public static final Loinc HRV_SDNN = new Loinc("80404-7", "R-R interval.standard deviation (Heart rate variability)");
    public static final Loinc SLEEP_DEEP = new Loinc("93831-6", "Deep sleep duration");
    public static final Loinc SLEEP_LIGHT = new Loinc("93830-8", "Light sleep duration");
    public static final Loinc SLEEP_REM = new Loinc("93829-0", "REM sleep duration");

    private final String id;
    private final String unit;
    private final Loinc loinc;

    DataType(String id, String unit, Loinc loinc) {
        this.id = id;
        this.unit = unit;
        this.loinc = loinc;
    }

    /** The name in data and schemas: {@code heart_rate}, {@code connection.created}. */
    public String id() {
        return id;
    }

    /** The CloudEvents type: {@code health.heart_rate}; lifecycle events are {@code healthbridge.connection.*}. */
    public String eventType() {
        return isConnectionEvent() ? "healthbridge." + id : "health." + id;
    }

    /** The canonical UCUM unit of the main quantity, or null for types without one. */
    public String unit() {
        return unit;
    }

    public Loinc loinc() {
        return loinc;
    }

    /** A measurement type a mapper may produce: not a tombstone, not a lifecycle event. */
    public boolean isMeasurement() {
        return this != DELETED && !isConnectionEvent();
    }

    /** Lifecycle events of Healthbridge itself rather than health measurements. */
    public boolean isConnectionEvent() {
        return id.startsWith("connection.") || id.startsWith("webhook.") || id.startsWith("user.");
    }

    /** File name of the JSON schema under {@code schemas/}. */
    public String schemaName() {
        return id.replace('.', '_');
    }

    public static Optional<DataType> fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id) || t.schemaName().equals(id)).findFirst();
    }

    public static Optional<DataType> fromEventType(String type) {
        return Arrays.stream(values()).filter(t -> t.eventType().equals(type)).findFirst();
    }
}
