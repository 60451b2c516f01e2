package io.healthbridge.event;

/** A LOINC code with its display name. */
public record Loinc(String code, String display) {

    public static final String SYSTEM = "http://loinc.org";
}
