package io.healthbridge.provider.healthconnect;

import java.math.BigDecimal;
import java.math.MathContext;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.Records;

/**
 * Health Connect measurements ({@code {"value", "unit"}} of the {@code health-connect-ingest} format) in canonical
 * units, with Health Connect's own conversion constants: a value an app read with {@code inMiles} or
 * {@code inMillimolesPerLiter} was computed with them (a mile of 1609.34 m, not UCUM's 1609.344; 18.0 mg/dL per
 * mmol/L, not glucose's molar mass), so only they give back what Health Connect stored. A unit code the format does
 * not allow for the class is refused, never guessed.
 */
final class HealthConnectUnits {

    private static final MathContext PRECISION = MathContext.DECIMAL64;

    private HealthConnectUnits() {
    }

    /** Energy in kcal: {@code cal} (the small calorie), {@code kcal}, {@code J}, {@code kJ}. */
    static BigDecimal kcal(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        return switch (unit(q, field)) {
            case "kcal" -> v;
            case "cal" -> v.divide(BigDecimal.valueOf(1000), PRECISION);
            case "J" -> v.multiply(new BigDecimal("0.2390057361")).divide(BigDecimal.valueOf(1000), PRECISION);
            case "kJ" -> v.multiply(new BigDecimal("239.0057361")).divide(BigDecimal.valueOf(1000), PRECISION);
            default -> throw refused(q, field, "cal, kcal, J, kJ");
        };
    }

    /** Length in metres: {@code m}, {@code km}, {@code mi}, {@code in}, {@code ft}. */
    static BigDecimal meters(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        return switch (unit(q, field)) {
            case "m" -> v;
            case "km" -> v.multiply(BigDecimal.valueOf(1000));
            case "mi" -> v.multiply(new BigDecimal("1609.34"));
            case "in" -> v.multiply(new BigDecimal("0.0254"));
            case "ft" -> v.multiply(new BigDecimal("0.3048"));
            default -> throw refused(q, field, "m, km, mi, in, ft");
        };
    }

    /** Mass in kilograms: {@code g}, {@code kg}, {@code mg}, {@code ug}, {@code oz}, {@code lb}. */
    static BigDecimal kilograms(JsonNode q, String field) {
        return grams(q, field).divide(BigDecimal.valueOf(1000), PRECISION);
    }

    /** Mass in grams: {@code g}, {@code kg}, {@code mg}, {@code ug}, {@code oz}, {@code lb}. */
    static BigDecimal grams(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        return switch (unit(q, field)) {
            case "kg" -> v.multiply(BigDecimal.valueOf(1000));
            case "g" -> v;
            case "mg" -> v.divide(BigDecimal.valueOf(1000), PRECISION);
            case "ug" -> v.divide(BigDecimal.valueOf(1_000_000), PRECISION);
            case "oz" -> v.multiply(new BigDecimal("28.34952"));
            case "lb" -> v.multiply(new BigDecimal("453.59237"));
            default -> throw refused(q, field, "g, kg, mg, ug, oz, lb");
        };
    }

    /** Temperature in degrees Celsius: {@code degC}, {@code degF}. */
    static BigDecimal celsius(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        return switch (unit(q, field)) {
            case "degC" -> v;
            case "degF" -> v.subtract(BigDecimal.valueOf(32)).divide(new BigDecimal("1.8"), PRECISION);
            default -> throw refused(q, field, "degC, degF");
        };
    }

    /** Pressure in mmHg, the one unit Health Connect has for it. */
    static BigDecimal mmHg(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        if (!"mmHg".equals(unit(q, field))) {
            throw refused(q, field, "mmHg");
        }
        return v;
    }

    /** Blood glucose in mg/dL: {@code mg/dL}, {@code mmol/L} (Health Connect: 1 mmol/L = 18.0 mg/dL). */
    static BigDecimal mgPerDl(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        return switch (unit(q, field)) {
            case "mg/dL" -> v;
            case "mmol/L" -> v.multiply(new BigDecimal("18.0"));
            default -> throw refused(q, field, "mg/dL, mmol/L");
        };
    }

    /** A percentage, 0 to 100: above 100 is a 0–1 fraction sent as a percentage or a broken value, refused. */
    static BigDecimal percent(JsonNode q, String field) {
        BigDecimal v = value(q, field);
        if (!"%".equals(unit(q, field))) {
            throw refused(q, field, "%");
        }
        return within(v, BigDecimal.ZERO, BigDecimal.valueOf(100), field + " (a percentage, 0-100)");
    }

    /** {@code v} when it lies in [min, max], else a mapping error naming the field and the range. */
    static BigDecimal within(BigDecimal v, BigDecimal min, BigDecimal max, String what) {
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new MappingException(what + " is " + v.toPlainString() + ", outside Health Connect's range "
                                       + min.toPlainString() + " to " + max.toPlainString());
        }
        return v;
    }

    private static BigDecimal value(JsonNode q, String field) {
        if (q == null || !q.isObject()) {
            throw new MappingException("values." + field + " is not a {value, unit} measurement");
        }
        return Records.toNumber(q.path("value"), "values." + field + ".value");
    }

    private static String unit(JsonNode q, String field) {
        JsonNode u = q.get("unit");
        if (u == null || !u.isTextual()) {
            throw new MappingException("values." + field + " has no unit");
        }
        return u.asText();
    }

    private static MappingException refused(JsonNode q, String field, String allowed) {
        return new MappingException("values." + field + " has unit '" + q.get("unit").asText() + "'; the format allows "
                                    + allowed);
    }
}
