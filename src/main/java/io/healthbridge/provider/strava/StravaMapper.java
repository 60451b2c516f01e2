package io.healthbridge.provider.strava;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.WorkoutStreams;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.withings.WithingsMapper;

import static io.healthbridge.provider.Records.has;
import static io.healthbridge.provider.Records.longValue;
import static io.healthbridge.provider.Records.optNumber;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/** Strava v3 activities (list or detail) into workout events, with their streams when the poll fetched them. */
public class StravaMapper implements ProviderMapper {

    public static final String PROVIDER = "strava";
    /** Where the poll puts an activity's streams ({@code GET /activities/{id}/streams}) before it is mapped. */
    public static final String STREAMS = "streams";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("activities");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return payload.isArray() ? Records.arrayOrField(payload, dataset) : List.of(payload);
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        int utcOffset = has(r, "utc_offset") ? (int) longValue(r, "utc_offset") : 0;
        OffsetDateTime start = Records.offsetTime(r, "start_date").toInstant()
                .atOffset(ZoneOffset.ofTotalSeconds(utcOffset));
        long elapsed = longValue(r, "elapsed_time");
        long moving = has(r, "moving_time") ? longValue(r, "moving_time") : elapsed;
        String sport = has(r, "sport_type") ? text(r, "sport_type") : text(r, "type");
        EventBuilder b = EventBuilder.of(DataType.WORKOUT, ctx).raw(r).sourceRecordId(text(r, "id"))
                .interval(start, start.plusSeconds(elapsed))
                .device(has(r, "device_name") ? Device.named(optText(r, "device_name")) : null)
                .put("sport", Records.snake(sport)).put("provider_sport", sport)
                .put("name", optText(r, "name"))
                .quantity("duration", moving, "s")
                .quantity("distance", optNumber(r, "distance"), "m");
        BigDecimal calories = optNumber(r, "calories");
        BigDecimal kilojoules = optNumber(r, "kilojoules");
        if (calories != null && calories.signum() > 0) {
            b.quantity("energy", calories, "kcal");
        } else if (kilojoules != null && kilojoules.signum() > 0) {
            // kilojoules are the mechanical work of a ride (from power); at the ~25 % efficiency of a human body,
            // 1 kJ of work costs about 1 kcal of food energy: a rule, not a measurement
            b.quantity("energy", kilojoules, "kcal").estimated("energy",
                    "Strava kilojoules of mechanical work taken as kilocalories burned (1 kJ of work at ~25 % "
                    + "efficiency costs ~1 kcal)");
        }
        WithingsMapper.heartRateSummary(b, optNumber(r, "average_heartrate"), optNumber(r, "max_heartrate"), null);
        JsonNode streams = r.get(STREAMS);
        if (streams != null && !streams.isNull()) {
            WorkoutStreams ws = StravaStreams.of(streams);
            if (ws == null) {
                b.omitted(STREAMS, "Strava streams without a time stream: the samples cannot be placed");
            } else {
                b.put("streams", ws.toJson());
            }
        }
        return List.of(b.build());
    }
}
