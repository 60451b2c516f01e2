package io.healthbridge.provider.fitbit;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.Records;

import static io.healthbridge.provider.Records.has;

/**
 * Legacy Fitbit Web API heart-rate documents ({@code activities-heart}), for data exported before the API was shut
 * down on 2 Nov 2026. Live Fitbit data comes through the Google Health API.
 */
public class FitbitMapper implements ProviderMapper {

    public static final String PROVIDER = "fitbit";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("activities_heart");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return Records.array(payload, "activities-heart");
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
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
