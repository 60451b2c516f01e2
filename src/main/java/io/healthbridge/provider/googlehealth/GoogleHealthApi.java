package io.healthbridge.provider.googlehealth;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.provider.Page;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderDefaults;
import io.healthbridge.provider.ProviderRequest;
import io.healthbridge.provider.TimeWindow;

/**
 * Fitbit data through the Google Health API v4 ({@code /v4/users/me/dataTypes/<type>/dataPoints}, kebab-case data
 * types, {@code pageToken}/{@code nextPageToken}). The Fitbit Web API answers 410 since 2 Nov 2026.
 * <p>
 * The time filter syntax is not in the contract; the one used here ({@code start_time >= "…" AND start_time < "…"})
 * follows Google's AIP-160 filters and is what the simulator understands. Check it against the live API.
 */
public class GoogleHealthApi implements ProviderApi {

    public static final String PROVIDER = "fitbit";

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("heart-rate", "steps", "distance", "weight", "body-fat", "oxygen-saturation",
                "daily-resting-heart-rate", "heart-rate-variability", "sleep", "exercise");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://health.googleapis.com", "https://accounts.google.com/o/oauth2/v2/auth",
                "https://oauth2.googleapis.com/token", "https://oauth2.googleapis.com/revoke",
                List.of("https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly",
                        "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly",
                        "https://www.googleapis.com/auth/googlehealth.sleep.readonly"),
                " ", true, "standard",
                // Google Cloud quotas are per project and not published for this API; the Fitbit Web API's
                // 150 requests per hour per user is kept as the per-user default
                "600/1m", "150/1h", List.of("access_type=offline", "prompt=consent"));
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("pageSize", "500");
        q.put("filter", "start_time >= \"" + w.from() + "\" AND start_time < \"" + w.to() + "\"");
        if (pageToken != null) {
            q.put("pageToken", pageToken);
        }
        return ProviderRequest.get("/v4/users/me/dataTypes/" + dataset + "/dataPoints", q);
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        return Page.withTokenIn(body, "nextPageToken");
    }

    @Override
    public Duration maxWindow(String dataset) {
        return Duration.ofDays(7);
    }

    @Override
    public Duration overlap(String dataset) {
        return "sleep".equals(dataset) || dataset.startsWith("daily-") ? Duration.ofDays(1) : Duration.ZERO;
    }
}
