package io.healthbridge.provider.dexcom;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.Records;

import static io.healthbridge.provider.Records.number;
import static io.healthbridge.provider.Records.optText;
import static io.healthbridge.provider.Records.text;

/** Dexcom API v3 estimated glucose values ({@code /v3/users/self/egvs}) into blood glucose events. */
public class DexcomMapper implements ProviderMapper {

    public static final String PROVIDER = "dexcom";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of("egvs");
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return Records.arrayOrField(payload, "records");
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode r, MappingContext ctx) {
        // displayTime is the receiver's local time with its offset; systemTime is UTC: same instant, keep the offset
        var time = Records.offsetTime(r, "displayTime");
        String unit = optText(r, "unit") == null ? "mg/dL" : text(r, "unit");
        String ucum = switch (unit) {
            case "mg/dL" -> "mg/dL";
            case "mmol/L" -> "mmol/L";
            default -> throw new io.healthbridge.event.MappingException("unknown glucose unit '" + unit + "'");
        };
        String generation = optText(r, "transmitterGeneration");
        Device device = new Device(optText(r, "displayDevice"), generation, "cgm", "Dexcom");
        return List.of(EventBuilder.of(DataType.BLOOD_GLUCOSE, ctx).raw(r).sourceRecordId(text(r, "recordId"))
                .at(time).device(device)
                .value(number(r, "value"), ucum)
                .put("trend", optText(r, "trend"))
                .put("specimen", "interstitial_fluid")
                .build());
    }
}
