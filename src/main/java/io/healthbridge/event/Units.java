package io.healthbridge.event;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;

import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;

/**
 * Converts quantities between UCUM units with the FHIR UCUM library (its own unit table, {@code ucum-essence.xml}).
 * Glucose mmol/L to mg/dL needs the molar mass of glucose, which no unit table knows, so it is done here.
 */
public final class Units {

    /** Molar mass of glucose, g/mol: 1 mmol/L = 18.016 mg/dL. */
    static final BigDecimal GLUCOSE_MOLAR_MASS = new BigDecimal("180.156");

    private static final UcumService UCUM = load();

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
        try {
            Decimal result = UCUM.convert(new Decimal(value.toPlainString()), from, to);
            return new BigDecimal(result.asDecimal());
        } catch (UcumException | RuntimeException e) {
            throw new IllegalArgumentException("cannot convert " + value + " " + from + " to " + to + ": "
                                               + e.getMessage(), e);
        }
    }

    /** Converts and rounds to {@code scale} decimals, trimming trailing zeros. */
    public static BigDecimal convert(BigDecimal value, String from, String to, int scale) {
        return convert(value, from, to).setScale(scale, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
