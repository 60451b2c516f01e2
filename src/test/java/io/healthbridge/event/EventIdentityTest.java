package io.healthbridge.event;

import java.time.Instant;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The key names the measurement; the id names key plus content, never the fetch time. */
class EventIdentityTest {

    static final OffsetDateTime AT = OffsetDateTime.parse("2026-11-20T07:00:00+01:00");

    static CanonicalEvent weight(String fetchedAt, String kg) {
        MappingContext ctx = new MappingContext("withings", "u1", "w1", Instant.parse(fetchedAt), null);
        return EventBuilder.of(DataType.BODY_WEIGHT, ctx).sourceRecordId("grp-1").at(AT)
                .value(new java.math.BigDecimal(kg), "kg").build();
    }

    @Test
    void refetchingTheSameRecordGivesTheSameId() {
        CanonicalEvent a = weight("2026-11-20T08:00:00Z", "70.1");
        CanonicalEvent b = weight("2026-11-21T08:00:00Z", "70.1");
        assertThat(a.id()).isEqualTo(b.id());
        assertThat(a.data().get("provenance").get("fetched_at").asText())
                .isNotEqualTo(b.data().get("provenance").get("fetched_at").asText());
    }

    @Test
    void aRevisedValueIsANewIdWithTheSameKey() {
        CanonicalEvent a = weight("2026-11-20T08:00:00Z", "70.1");
        CanonicalEvent b = weight("2026-11-20T08:00:00Z", "70.2");
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.key()).isEqualTo(b.key()).startsWith("withings:body_weight:");
    }

    @Test
    void timeKeepsTheProviderOffsetAndTheEnvelopeIsCloudEvents() {
        CanonicalEvent e = weight("2026-11-20T08:00:00Z", "70.1");
        assertThat(e.time()).isEqualTo("2026-11-20T07:00:00+01:00");
        assertThat(e.toJson().get("specversion").asText()).isEqualTo("1.0");
        assertThat(e.source()).isEqualTo("healthbridge/providers/withings");
        assertThat(e.type()).isEqualTo("health.body_weight");
        assertThat(new SchemaRegistry().validate(e)).isEmpty();
        assertThat(CanonicalEvent.fromJson(e.toJson())).isEqualTo(e);
    }
}
