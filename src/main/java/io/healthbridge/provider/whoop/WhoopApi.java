package io.healthbridge.provider.whoop;

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

/** WHOOP API v2: collections with {@code start}/{@code end}, pages of at most 25 with {@code nextToken}. */
public class WhoopApi implements ProviderApi {

    static final Map<String, String> PATHS = Map.of(
            "workout", "/v2/activity/workout", "sleep", "/v2/activity/sleep", "recovery", "/v2/recovery",
            "cycle", "/v2/cycle", "body_measurement", "/v2/user/measurement/body");

    @Override
    public String provider() {
        return WhoopMapper.PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("workout", "sleep", "recovery", "cycle", "body_measurement");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://api.prod.whoop.com/developer", "https://api.prod.whoop.com/oauth/oauth2/auth",
                "https://api.prod.whoop.com/oauth/oauth2/token", null,
                // offline: without it WHOOP gives no refresh token
                List.of("offline", "read:recovery", "read:cycles", "read:sleep", "read:workout", "read:body_measurement"),
                " ", false, "standard", "100/1m,10000/1d", "none", List.of());
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        Map<String, String> q = new LinkedHashMap<>();
        if (!"body_measurement".equals(dataset)) {
            q.put("start", w.from().toString());
            q.put("end", w.to().toString());
            q.put("limit", "25");
            if (pageToken != null) {
                q.put("nextToken", pageToken);
            }
        }
        return ProviderRequest.get(PATHS.get(dataset), q);
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        return Page.withTokenIn(body, "next_token");
    }

    @Override
    public Duration maxWindow(String dataset) {
        return "body_measurement".equals(dataset) ? Duration.ofDays(3650) : Duration.ofDays(30);
    }

    @Override
    public Duration overlap(String dataset) {
        // scores arrive after the sleep or workout ends: look back a day
        return "body_measurement".equals(dataset) ? Duration.ZERO : Duration.ofDays(1);
    }
}
