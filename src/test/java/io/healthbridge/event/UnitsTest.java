package io.healthbridge.event;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unit conversions through UCUM, and the glucose case no unit table can do. */
class UnitsTest {

    @Test
    void convertsCommensurableUnits() {
        assertThat(Units.convert(new BigDecimal("75450"), "g", "kg", 3)).isEqualByComparingTo("75.45");
        assertThat(Units.convert(new BigDecimal("8288.297"), "kJ", "kcal", 3)).isEqualByComparingTo("1980.951");
        assertThat(Units.convert(new BigDecimal("30272735"), "ms", "s", 3)).isEqualByComparingTo("30272.735");
        assertThat(Units.convert(new BigDecimal("98.6"), "[degF]", "Cel", 2)).isEqualByComparingTo("37");
        assertThat(Units.convert(new BigDecimal("5"), "km", "m", 0)).isEqualByComparingTo("5000");
    }

    @Test
    void glucoseMmolPerLitreToMgPerDecilitre() {
        assertThat(Units.convert(new BigDecimal("5.5"), "mmol/L", "mg/dL", 1)).isEqualByComparingTo("99.1");
    }

    @Test
    void refusesIncommensurableAndUnknownUnits() {
        assertThatThrownBy(() -> Units.convert(BigDecimal.ONE, "kg", "m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot convert");
        assertThatThrownBy(() -> Units.convert(BigDecimal.ONE, "stone", "kg")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Units.isValid("mm[Hg]")).isTrue();
        assertThat(Units.isValid("{steps}")).isTrue();
        assertThat(Units.isValid("beats")).isFalse();
    }

    @Test
    void everyCanonicalUnitIsValidUcum() {
        for (DataType t : DataType.values()) {
            if (t.unit() != null) {
                assertThat(Units.isValid(t.unit())).as(t + " unit " + t.unit()).isTrue();
            }
        }
    }
}
