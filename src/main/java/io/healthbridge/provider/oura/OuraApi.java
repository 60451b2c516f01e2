package io.healthbridge.provider.oura;

import java.time.Duration;
import java.time.LocalDate;
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

/** Oura API v2: {@code /v2/usercollection/<dataset>}, date or datetime windows, {@code next_token} pagination. */
public class OuraApi implements ProviderApi {

    @Override
    public String provider() {
        return OuraMapper.PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("heartrate", "sleep", "daily_activity", "daily_spo2", "workout", "daily_readiness", "daily_sleep",
                "vo2_max", "daily_cardiovascular_age", "daily_stress", "daily_resilience", "session");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://api.ouraring.com", "https://cloud.ouraring.com/oauth/authorize",
                "https://api.ouraring.com/oauth/token", "https://api.ouraring.com/oauth/revoke",
                List.of("personal", "daily", "heartrate", "workout", "spo2Daily"), " ", false, "standard",
                // Oura: 5000 requests per 5 minutes per app (FAQ); per user unpublished
                "5000/5m", "none", List.of());
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        Map<String, String> q = new LinkedHashMap<>();
        if ("heartrate".equals(dataset)) {
            q.put("start_datetime", w.from().toString());
            q.put("end_datetime", w.to().toString());
        } else {
            q.put("start_date", LocalDate.ofInstant(w.from(), zone).toString());
            q.put("end_date", LocalDate.ofInstant(w.to(), zone).toString());
        }
        if (pageToken != null) {
            q.put("next_token", pageToken);
        }
        // the webhooks' data_type is vo2_max; the collection's path is spelled vO2_max
        return ProviderRequest.get("/v2/usercollection/" + ("vo2_max".equals(dataset) ? "vO2_max" : dataset), q);
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        return Page.withTokenIn(body, "next_token");
    }

    @Override
    public Duration maxWindow(String dataset) {
        return "heartrate".equals(dataset) ? Duration.ofDays(1) : Duration.ofDays(30);
    }

    @Override
    public Duration overlap(String dataset) {
        // daily summaries grow during the day and sleeps are re-scored: fetch the last two days again
        return "heartrate".equals(dataset) ? Duration.ZERO : Duration.ofDays(2);
    }
}
