package io.healthbridge.provider.applehealth;

import java.math.BigDecimal;
import java.math.MathContext;

import io.healthbridge.event.MappingException;

/**
 * HealthKit unit strings (the {@code unit} attribute of an export, the unit of a companion app's record) in canonical
 * units. The unit follows the user's settings, so it is always read, never assumed (provider contract
 * {@code apple-health.md} §2): {@code lb}, {@code degF}, {@code mi}, {@code Cal} (a kilocalorie), glucose as
 * {@code mmol<180.1558800000541>/L} (the molar mass HealthKit converts with, written into the unit). Percentages are
 * 0–1 fractions in HealthKit ({@code 0.97} is 97 %). A unit not listed for a quantity is refused, never guessed.
 */
public final class AppleUnits {

    private static final MathContext PRECISION = MathContext.DECIMAL64;
    /** HealthKit's own factor for a mmol/L glucose unit without the molar mass written into it. */
    static final BigDecimal GLUCOSE_MOLAR_MASS = new BigDecimal("180.1558800000541");

    private AppleUnits() {
    }

    /** Energy in kcal: {@code kcal}, {@code Cal} (the same), {@code cal}, {@code kJ}, {@code J}. */
    public static BigDecimal kcal(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "kcal", "Cal" -> v;
            case "cal" -> v.divide(BigDecimal.valueOf(1000), PRECISION);
            case "kJ" -> v.divide(new BigDecimal("4.184"), PRECISION);
            case "J" -> v.divide(new BigDecimal("4184"), PRECISION);
            default -> throw refused(unit, "energy", "kcal, Cal, cal, kJ, J");
        };
    }

    /** Length in metres: {@code m}, {@code km}, {@code cm}, {@code mi}, {@code yd}, {@code ft}. */
    public static BigDecimal meters(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "m" -> v;
            case "km" -> v.multiply(BigDecimal.valueOf(1000));
            case "cm" -> v.divide(BigDecimal.valueOf(100), PRECISION);
            case "mi" -> v.multiply(new BigDecimal("1609.344"));
            case "yd" -> v.multiply(new BigDecimal("0.9144"));
            case "ft" -> v.multiply(new BigDecimal("0.3048"));
            default -> throw refused(unit, "length", "m, km, cm, mi, yd, ft");
        };
    }

    /** Mass in kilograms: {@code kg}, {@code g}, {@code lb}, {@code st}, {@code oz}. */
    public static BigDecimal kilograms(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "kg" -> v;
            case "g" -> v.divide(BigDecimal.valueOf(1000), PRECISION);
            case "lb" -> v.multiply(new BigDecimal("0.45359237"));
            case "st" -> v.multiply(new BigDecimal("6.35029318"));
            case "oz" -> v.multiply(new BigDecimal("0.028349523125"));
            default -> throw refused(unit, "mass", "kg, g, lb, st, oz");
        };
    }

    /** Temperature in degrees Celsius: {@code degC}, {@code degF}. */
    public static BigDecimal celsius(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "degC" -> v;
            case "degF" -> v.subtract(BigDecimal.valueOf(32)).divide(new BigDecimal("1.8"), PRECISION);
            default -> throw refused(unit, "temperature", "degC, degF");
        };
    }

    /**
     * Blood glucose in mg/dL: {@code mg/dL}, or mmol/L with or without the molar mass HealthKit writes into the unit
     * ({@code mmol<180.1558800000541>/L}), converted with that molar mass.
     */
    public static BigDecimal mgPerDl(BigDecimal v, String unit) {
        String u = unit(unit);
        if ("mg/dL".equals(u)) {
            return v;
        }
        if ("mmol/L".equals(u)) {
            return v.multiply(GLUCOSE_MOLAR_MASS).divide(BigDecimal.TEN, PRECISION);
        }
        if (u.startsWith("mmol<") && u.endsWith(">/L")) {
            BigDecimal molarMass;
            try {
                molarMass = new BigDecimal(u.substring(5, u.length() - 3));
            } catch (NumberFormatException e) {
                throw refused(unit, "blood glucose", "mg/dL, mmol/L, mmol<molar mass>/L");
            }
            if (molarMass.compareTo(new BigDecimal("170")) < 0 || molarMass.compareTo(new BigDecimal("190")) > 0) {
                throw new MappingException("glucose unit " + unit + " names a molar mass that is not glucose's");
            }
            return v.multiply(molarMass).divide(BigDecimal.TEN, PRECISION);
        }
        throw refused(unit, "blood glucose", "mg/dL, mmol/L, mmol<molar mass>/L");
    }

    /** A HealthKit percentage, a 0–1 fraction, as 0–100. */
    public static BigDecimal percentOfFraction(BigDecimal v, String unit) {
        if (!"%".equals(unit(unit))) {
            throw refused(unit, "percentage", "%");
        }
        if (v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0) {
            throw new MappingException("a HealthKit percentage is a fraction from 0 to 1; got " + v.toPlainString());
        }
        return v.multiply(BigDecimal.valueOf(100));
    }

    /** A rate per minute: {@code count/min} (heart rate, breaths). */
    public static BigDecimal perMinute(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "count/min", "bpm", "/min" -> v;
            case "count/s" -> v.multiply(BigDecimal.valueOf(60));
            default -> throw refused(unit, "rate", "count/min");
        };
    }

    /** A duration in seconds: {@code ms}, {@code s}, {@code min}, {@code hr}/{@code h}, {@code d}. */
    public static BigDecimal seconds(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "ms" -> v.divide(BigDecimal.valueOf(1000), PRECISION);
            case "s" -> v;
            case "min" -> v.multiply(BigDecimal.valueOf(60));
            case "hr", "h" -> v.multiply(BigDecimal.valueOf(3600));
            case "d" -> v.multiply(BigDecimal.valueOf(86400));
            default -> throw refused(unit, "duration", "ms, s, min, hr, d");
        };
    }

    /** Milliseconds (HRV): {@code ms} or {@code s}. */
    public static BigDecimal millis(BigDecimal v, String unit) {
        return switch (unit(unit)) {
            case "ms" -> v;
            case "s" -> v.multiply(BigDecimal.valueOf(1000));
            default -> throw refused(unit, "heart rate variability", "ms");
        };
    }

    /** Pressure in mmHg, the unit HealthKit writes blood pressure in. */
    public static BigDecimal mmHg(BigDecimal v, String unit) {
        if (!"mmHg".equals(unit(unit))) {
            throw refused(unit, "blood pressure", "mmHg");
        }
        return v;
    }

    /** A count: {@code count} (or no unit). */
    public static BigDecimal count(BigDecimal v, String unit) {
        if (unit != null && !unit.isBlank() && !"count".equals(unit)) {
            throw refused(unit, "count", "count");
        }
        return v;
    }

    private static String unit(String unit) {
        if (unit == null || unit.isBlank()) {
            throw new MappingException("the record has no unit");
        }
        return unit.trim();
    }

    private static MappingException refused(String unit, String what, String allowed) {
        return new MappingException("unit '" + unit + "' is not a HealthKit " + what + " unit (" + allowed + ")");
    }
}
