package io.healthbridge.provider.garmin;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.provider.Page;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderDefaults;
import io.healthbridge.provider.ProviderRequest;
import io.healthbridge.provider.TimeWindow;

/**
 * Garmin Health API pull endpoints: {@code /wellness-api/rest/<summary type>} by upload time, at most 24 hours per
 * request. OAuth 2.0 with PKCE; the authorize and token URLs are not in the provider contract (taken from the
 * open-source aggregator it cites): check them when you register.
 */
public class GarminApi implements ProviderApi {

    static final Map<String, String> PATHS = Map.of("dailies", "dailies", "epochs", "epochs", "sleeps", "sleeps",
            "bodyComps", "bodyComps", "bloodPressures", "bloodPressures", "hrv", "hrv", "pulseox", "pulseOx",
            "stressDetails", "stressDetails");

    @Override
    public String provider() {
        return GarminMapper.PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("dailies", "epochs", "sleeps", "bodyComps", "bloodPressures", "hrv", "pulseox", "stressDetails");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://apis.garmin.com", "https://connect.garmin.com/oauth2Confirm",
                "https://diauth.garmin.com/di-oauth2-service/oauth/token", null, List.of(), " ", true, "standard",
                // pull limits are not published; a conservative default
                "100/1m", "none", List.of());
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("uploadStartTimeInSeconds", String.valueOf(w.from().getEpochSecond()));
        q.put("uploadEndTimeInSeconds", String.valueOf(w.to().getEpochSecond()));
        return ProviderRequest.get("/wellness-api/rest/" + PATHS.get(dataset), q);
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        return new Page(body, null);
    }

    @Override
    public Duration maxWindow(String dataset) {
        return Duration.ofDays(1);
    }

    /** Garmin backfill: asks for up to 90 days of a summary type; the summaries come later by push or ping. */
    @Override
    public Optional<ProviderRequest> backfillRequest(String dataset, TimeWindow w) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("summaryStartTimeInSeconds", String.valueOf(w.from().getEpochSecond()));
        q.put("summaryEndTimeInSeconds", String.valueOf(w.to().getEpochSecond()));
        return Optional.of(ProviderRequest.get("/wellness-api/rest/backfill/" + PATHS.get(dataset), q));
    }

    @Override
    public Duration backfillWindow(String dataset) {
        return Duration.ofDays(90);
    }

    /** The dataset of a push or ping envelope key ({@code "pulseOx"} → {@code pulseox}), or null. */
    public static String datasetOf(String summaryType) {
        for (Map.Entry<String, String> e : PATHS.entrySet()) {
            if (e.getValue().equals(summaryType) || e.getKey().equals(summaryType)) {
                return e.getKey();
            }
        }
        return null;
    }
}
