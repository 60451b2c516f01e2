package io.healthbridge.provider.applehealth;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.Records;

/**
 * Apple Health (HealthKit), which has no server API: its data comes as the elements of an {@code export.xml} the
 * importer reads ({@code export}), or from a companion app on the phone: the Open Wearables SDK's sync request
 * ({@code sync}) or Health Auto Export's REST automation ({@code auto_export}). All three are mapped as export
 * elements, following the contract {@code apple-health.md}: units read from each record (SpO2 and body fat are 0–1
 * fractions, {@code Cal} is a kilocalorie, glucose may be {@code mmol<180.15…>/L}), HRV is SDNN, blood pressure comes
 * from its correlation only, sleep is built per source and night, and every source (the Watch, the iPhone, each app)
 * stays its own: samples of several sources over the same minutes are never summed here.
 */
public class AppleHealthMapper implements ProviderMapper {

    public static final String PROVIDER = "apple_health";
    public static final String EXPORT = "export";
    public static final String SYNC = "sync";
    public static final String AUTO_EXPORT = "auto_export";
    /** An item a companion app's reader could not read: it fails alone with the reader's reason. */
    static final String INVALID = "$invalid";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> datasets() {
        return Set.of(EXPORT, SYNC, AUTO_EXPORT);
    }

    @Override
    public List<JsonNode> records(String dataset, JsonNode payload) {
        return switch (dataset) {
            case SYNC -> OpenWearablesSync.records(payload);
            case AUTO_EXPORT -> HealthAutoExport.records(payload);
            default -> Records.arrayOrField(payload, "records");
        };
    }

    @Override
    public List<CanonicalEvent> mapRecord(String dataset, JsonNode record, MappingContext context) {
        String element = record.path("element").asText("");
        if (INVALID.equals(element)) {
            throw new MappingException(record.path("error").asText("an item that cannot be read"));
        }
        if (HealthAutoExport.SLEEP_SUMMARY.equals(element)) {
            return List.of(HealthAutoExport.sleep(record, context));
        }
        return AppleExport.map(record, context);
    }

    /** What tells one source of an export from another: its name and device model (not the device's address). */
    public static String sourceKey(String sourceName, String device) {
        return AppleDevice.sourceKey(sourceName, device);
    }

    /** Which companion app's shape a push body has: {@link #SYNC}, {@link #AUTO_EXPORT}, or null for neither. */
    public static String shapeOf(JsonNode body) {
        if (body == null || !body.isObject()) {
            return null;
        }
        JsonNode data = body.path("data");
        if (body.has("provider") && (data.has("records") || data.has("sleep") || data.has("workouts"))) {
            return SYNC;
        }
        if (data.has("metrics") || data.has("workouts")) {
            return AUTO_EXPORT;
        }
        return null;
    }
}
