package io.healthbridge.event;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;

/**
 * Converts quantities between UCUM units with the FHIR UCUM library (its own unit table, {@code ucum-essence.xml}).
 * Two conversions are done here: glucose mmol/L to mg/dL needs the molar mass of glucose, which no unit table knows,
 * and the UCUM library does not convert units with an offset (degrees Fahrenheit, kelvin to Celsius).
 */
public final class Units {

    /** Molar mass of glucose, g/mol: 1 mmol/L = 18.016 mg/dL. */
    static final BigDecimal GLUCOSE_MOLAR_MASS = new BigDecimal("180.156");

    private static final UcumService UCUM = load();
    private static final Map<String, BigDecimal> FACTORS = new ConcurrentHashMap<>();

    private Units() {
    }

    private static UcumService load() {
        try (InputStream in = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
            return new UcumEssenceService(in);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** True when {@code unit} is valid UCUM. */
    public static boolean isValid(String unit) {
        return UCUM.validate(unit) == null;
    }

    /**
     * Converts {@code value} from one UCUM unit to another.
     *
     * @throws IllegalArgumentException when the units are not valid UCUM or not commensurable
     */
    public static BigDecimal convert(BigDecimal value, String from, String to) {
        if (from.equals(to)) {
            return value;
        }
        if ("mmol/L".equals(from) && "mg/dL".equals(to)) {
            // mmol/L * g/mol = mg/L; / 10 = mg/dL
            return value.multiply(GLUCOSE_MOLAR_MASS).divide(BigDecimal.TEN, 10, RoundingMode.HALF_EVEN);
        }
        BigDecimal temperature = temperature(value, from, to);
        if (temperature != null) {
            return temperature;
        }
        return value.multiply(factor(from, to));
    }

    /**
     * The factor from one unit to the other, asked of the UCUM library once per pair and kept: its decimal arithmetic
     * on strings took a fifth of the whole publish path's time when asked for every sample. Units without an offset
     * convert by a factor alone (offsets are handled in {@link #temperature}), so the result is the same.
     */
    private static BigDecimal factor(String from, String to) {
        BigDecimal known = FACTORS.get(from + '\u0000' + to);
        if (known != null) {
            return known;
        }
        try {
            BigDecimal factor = new BigDecimal(UCUM.convert(new Decimal("1"), from, to).asDecimal());
            if (FACTORS.size() < 10_000) {
                FACTORS.put(from + '\u0000' + to, factor);
            }
            return factor;
        } catch (UcumException | RuntimeException e) {
            throw new IllegalArgumentException("cannot convert " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static BigDecimal temperature(BigDecimal value, String from, String to) {
        BigDecimal celsius = switch (from) {
            case "Cel" -> value;
            case "[degF]" -> value.subtract(new BigDecimal("32")).multiply(new BigDecimal("5"))
                    .divide(new BigDecimal("9"), 10, RoundingMode.HALF_EVEN);
            case "K" -> value.subtract(new BigDecimal("273.15"));
            default -> null;
        };
        if (celsius == null || !(to.equals("Cel") || to.equals("[degF]") || to.equals("K"))) {
            return null;
        }
        return switch (to) {
            case "Cel" -> celsius;
            case "K" -> celsius.add(new BigDecimal("273.15"));
            default -> celsius.multiply(new BigDecimal("9")).divide(new BigDecimal("5"), 10, RoundingMode.HALF_EVEN)
                    .add(new BigDecimal("32"));
        };
    }

    /** Converts and rounds to {@code scale} decimals, trimming trailing zeros. */
    public static BigDecimal convert(BigDecimal value, String from, String to, int scale) {
        return convert(value, from, to).setScale(scale, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
