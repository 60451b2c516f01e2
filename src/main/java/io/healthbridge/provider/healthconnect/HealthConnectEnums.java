package io.healthbridge.provider.healthconnect;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Health Connect's int enums (provider contract {@code health-connect.md} §2.1) as canonical names. An int Health
 * Connect may add later becomes {@code unknown(<n>)}, as the format asks; the strings clients built on the 1.0 alpha
 * sent for the glucose enums are taken as they are.
 */
final class HealthConnectEnums {

    static final Map<Integer, String> DEVICE_TYPE = Map.of(0, "unknown", 1, "watch", 2, "phone", 3, "scale", 4, "ring",
            5, "head_mounted", 6, "fitness_band", 7, "chest_strap", 8, "smart_display");
    static final Map<Integer, String> TEMPERATURE_LOCATION = Map.ofEntries(Map.entry(0, "unknown"),
            Map.entry(1, "armpit"), Map.entry(2, "finger"), Map.entry(3, "forehead"), Map.entry(4, "mouth"),
            Map.entry(5, "rectum"), Map.entry(6, "temporal_artery"), Map.entry(7, "toe"), Map.entry(8, "ear"),
            Map.entry(9, "wrist"), Map.entry(10, "vagina"));
    static final Map<Integer, String> SPECIMEN_SOURCE = Map.of(0, "unknown", 1, "interstitial_fluid",
            2, "capillary_blood", 3, "plasma", 4, "serum", 5, "tears", 6, "whole_blood");
    static final Map<Integer, String> MEAL_TYPE = Map.of(0, "unknown", 1, "breakfast", 2, "lunch", 3, "dinner",
            4, "snack");
    static final Map<Integer, String> RELATION_TO_MEAL = Map.of(0, "unknown", 1, "general", 2, "fasting",
            3, "before_meal", 4, "after_meal");
    static final Map<Integer, String> BODY_POSITION = Map.of(0, "unknown", 1, "standing_up", 2, "sitting_down",
            3, "lying_down", 4, "reclining");
    static final Map<Integer, String> BP_LOCATION = Map.of(0, "unknown", 1, "left_wrist", 2, "right_wrist",
            3, "left_upper_arm", 4, "right_upper_arm");
    /** {@code SleepSessionRecord.STAGE_TYPE_*}: the Jetpack and platform names differ, the ints do not. */
    static final Map<Integer, String> SLEEP_STAGE = Map.of(0, "unknown", 1, "awake", 2, "sleeping", 3, "out_of_bed",
            4, "light", 5, "deep", 6, "rem", 7, "awake_in_bed");
    /** {@code ExerciseSessionRecord.EXERCISE_TYPE_*}; the gaps are retired ids. */
    static final Map<Integer, String> EXERCISE_TYPE = Map.ofEntries(Map.entry(0, "other_workout"),
            Map.entry(2, "badminton"), Map.entry(4, "baseball"), Map.entry(5, "basketball"), Map.entry(8, "biking"),
            Map.entry(9, "biking_stationary"), Map.entry(10, "boot_camp"), Map.entry(11, "boxing"),
            Map.entry(13, "calisthenics"), Map.entry(14, "cricket"), Map.entry(16, "dancing"),
            Map.entry(25, "elliptical"), Map.entry(26, "exercise_class"), Map.entry(27, "fencing"),
            Map.entry(28, "football_american"), Map.entry(29, "football_australian"), Map.entry(31, "frisbee_disc"),
            Map.entry(32, "golf"), Map.entry(33, "guided_breathing"), Map.entry(34, "gymnastics"),
            Map.entry(35, "handball"), Map.entry(36, "high_intensity_interval_training"), Map.entry(37, "hiking"),
            Map.entry(38, "ice_hockey"), Map.entry(39, "ice_skating"), Map.entry(44, "martial_arts"),
            Map.entry(46, "paddling"), Map.entry(47, "paragliding"), Map.entry(48, "pilates"),
            Map.entry(50, "racquetball"), Map.entry(51, "rock_climbing"), Map.entry(52, "roller_hockey"),
            Map.entry(53, "rowing"), Map.entry(54, "rowing_machine"), Map.entry(55, "rugby"), Map.entry(56, "running"),
            Map.entry(57, "running_treadmill"), Map.entry(58, "sailing"), Map.entry(59, "scuba_diving"),
            Map.entry(60, "skating"), Map.entry(61, "skiing"), Map.entry(62, "snowboarding"),
            Map.entry(63, "snowshoeing"), Map.entry(64, "soccer"), Map.entry(65, "softball"), Map.entry(66, "squash"),
            Map.entry(68, "stair_climbing"), Map.entry(69, "stair_climbing_machine"),
            Map.entry(70, "strength_training"), Map.entry(71, "stretching"), Map.entry(72, "surfing"),
            Map.entry(73, "swimming_open_water"), Map.entry(74, "swimming_pool"), Map.entry(75, "table_tennis"),
            Map.entry(76, "tennis"), Map.entry(78, "volleyball"), Map.entry(79, "walking"), Map.entry(80, "water_polo"),
            Map.entry(81, "weightlifting"), Map.entry(82, "wheelchair"), Map.entry(83, "yoga"));

    private HealthConnectEnums() {
    }

    /** The name of an enum value: an int from the table, {@code unknown(<n>)}, a 1.0-alpha string; null when absent. */
    static String name(Map<Integer, String> names, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            String name = names.get(value.intValue());
            return name != null ? name : "unknown(" + value.intValue() + ")";
        }
        String text = value.asText().trim().toLowerCase(Locale.ROOT);
        return names.containsValue(text) ? text : "unknown(" + text + ")";
    }
}
