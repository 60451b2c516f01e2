package io.healthbridge.provider.fitbit;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.googlehealth.GoogleHealthMapper;

import static io.healthbridge.provider.Records.has;

/**
 * Fitbit data: live through the Google Health API v4 (its data types as datasets, see {@link GoogleHealthMapper}),
 * and legacy Fitbit Web API heart-rate documents ({@code activities_heart}) exported before that API was shut down on
 * 2 Nov 2026.
 */
public class FitbitMapper implements ProviderMapper {

    private final GoogleHealthMapper googleHealth = new GoogleHealthMapper();

    public static final String PROVIDER = "fitbit";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        Set<String> all = new HashSet<>(googleHealth.datasets());
        all.add("activities_heart");
        return Set.copyOf(all);
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return "activities_heart".equals(dataset) ? Records.array(payload, "activities-heart")
                : googleHealth.records(payload);
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        if (!"activities_heart".equals(dataset)) {
            return googleHealth.mapRecord(dataset, r, ctx);
        }
        LocalDate day = Records.date(Records.text(r, "dateTime"), "field 'dateTime'");
        OffsetDateTime start = day.atStartOfDay(ctx.zone()).toOffsetDateTime();
        List<CanonicalEvent> events = new ArrayList<>();
        JsonNode value = r.path("value");
        if (value.isObject() && has(value, "restingHeartRate")) {
            events.add(EventBuilder.of(DataType.RESTING_HEART_RATE, ctx).raw(r).sourceRecordId(day.toString())
                    .interval(start, start.plusDays(1)).value(Records.number(value, "restingHeartRate"), "/min").build());
        }
        return events;
    }
}
