package io.healthbridge.provider.polar;

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

/**
 * Polar AccessLink v3, the non-transactional endpoints: date windows, no pagination. Continuous heart rate is fetched
 * one day per request; sleep and nightly recharge answer the last 28 days; exercises the last 30.
 */
public class PolarApi implements ProviderApi {

    @Override
    public String provider() {
        return PolarMapper.PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("continuous_heart_rate", "nightly_recharge", "sleep", "spo2", "physical_information", "activity",
                "exercises");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://www.polaraccesslink.com", "https://flow.polar.com/oauth2/authorization",
                "https://polarremote.com/v2/oauth2/token", null, List.of("accesslink.read_all"), " ", false,
                "standard-basic", "none", "none", List.of());
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        LocalDate from = LocalDate.ofInstant(w.from(), zone);
        LocalDate to = LocalDate.ofInstant(w.to(), zone);
        Map<String, String> range = new LinkedHashMap<>();
        range.put("from", from.toString());
        range.put("to", to.toString());
        return switch (dataset) {
            case "continuous_heart_rate" -> ProviderRequest.get("/v3/users/continuous-heart-rate/" + from, Map.of());
            case "nightly_recharge" -> ProviderRequest.get("/v3/users/nightly-recharge", Map.of());
            case "sleep" -> ProviderRequest.get("/v3/users/sleep", Map.of());
            case "spo2" -> ProviderRequest.get("/v3/users/biosensing/spo2", range);
            case "physical_information" -> ProviderRequest.get("/v3/users/physical-info", Map.of());
            case "activity" -> ProviderRequest.get("/v3/users/activities", range);
            // the route with each exercise; the samples are not asked for (their types are not documented)
            case "exercises" -> ProviderRequest.get("/v3/exercises", Map.of("route", "true"));
            default -> throw new IllegalArgumentException("unknown dataset " + dataset);
        };
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        return new Page(body, null);
    }

    @Override
    public Duration maxWindow(String dataset) {
        return switch (dataset) {
            case "continuous_heart_rate" -> Duration.ofDays(1);
            case "spo2", "activity" -> Duration.ofDays(28);
            default -> Duration.ofDays(3650); // the endpoint answers its own recent window
        };
    }
}
