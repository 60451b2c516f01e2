package io.healthbridge.provider.withings;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.provider.Page;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderDefaults;
import io.healthbridge.provider.ProviderRequest;
import io.healthbridge.provider.TimeWindow;

/**
 * Withings Public API: form POSTs with {@code action=}, {@code more}/{@code offset} pagination, and every answer HTTP
 * 200 with the outcome in {@code status} (401 invalid token, 601 too many requests).
 */
public class WithingsApi implements ProviderApi {

    static final String MEASTYPES = WithingsMapper.MAPPED_MEASURES.stream().sorted().map(String::valueOf)
            .collect(Collectors.joining(","));

    @Override
    public String provider() {
        return WithingsMapper.PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("getmeas", "getactivity", "getintradayactivity", "getworkouts", "sleep_summary", "sleep_get");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://wbsapi.withings.net", "https://account.withings.com/oauth2_user/authorize2",
                "https://wbsapi.withings.net/v2/oauth2", null,
                List.of("user.info", "user.metrics", "user.activity"), ",", false, "withings",
                // ~120 requests per minute per app ([U] in the contract)
                "120/1m", "none", List.of());
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        Map<String, String> f = new LinkedHashMap<>();
        String path;
        switch (dataset) {
            case "getmeas" -> {
                path = "/measure";
                f.put("action", "getmeas");
                // getmeas answers only the types asked for: every type the mapper reads, none it does not
                f.put("meastypes", MEASTYPES);
                f.put("category", "1");
                f.put("startdate", String.valueOf(w.from().getEpochSecond()));
                f.put("enddate", String.valueOf(w.to().getEpochSecond()));
            }
            case "getintradayactivity" -> {
                path = "/v2/measure";
                f.put("action", "getintradayactivity");
                f.put("startdate", String.valueOf(w.from().getEpochSecond()));
                f.put("enddate", String.valueOf(w.to().getEpochSecond()));
            }
            case "sleep_summary" -> {
                path = "/v2/sleep";
                f.put("action", "getsummary");
                f.put("startdateymd", LocalDate.ofInstant(w.from(), zone).toString());
                f.put("enddateymd", LocalDate.ofInstant(w.to(), zone).toString());
                f.put("data_fields", "total_sleep_time,total_timeinbed,lightsleepduration,deepsleepduration,"
                                     + "remsleepduration,wakeupduration,wakeupcount,sleep_efficiency,sleep_latency,"
                                     + "sleep_score,hr_average,rr_average");
            }
            case "sleep_get" -> {
                // at most 24 hours a call: Withings answers the first 24 hours of a longer window
                path = "/v2/sleep";
                f.put("action", "get");
                f.put("startdate", String.valueOf(w.from().getEpochSecond()));
                f.put("enddate", String.valueOf(w.to().getEpochSecond()));
                f.put("data_fields", WithingsSleepSeries.DATA_FIELDS);
            }
            default -> {
                path = "/v2/measure";
                f.put("action", dataset);
                f.put("startdateymd", LocalDate.ofInstant(w.from(), zone).toString());
                f.put("enddateymd", LocalDate.ofInstant(w.to(), zone).toString());
            }
        }
        if (pageToken != null) {
            f.put("offset", pageToken);
        }
        return ProviderRequest.postForm(path, f);
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        JsonNode b = body.path("body");
        JsonNode more = b.path("more");
        boolean hasMore = more.isBoolean() ? more.asBoolean() : more.asInt(0) != 0;
        return new Page(body, hasMore && b.hasNonNull("offset") ? b.get("offset").asText() : null);
    }

    @Override
    public Duration maxWindow(String dataset) {
        return "getintradayactivity".equals(dataset) || "sleep_get".equals(dataset) ? Duration.ofDays(1)
                : Duration.ofDays(30);
    }

    @Override
    public Duration overlap(String dataset) {
        // a night reaches Withings when the device syncs, often the next morning
        return switch (dataset) {
            case "getactivity", "sleep_summary" -> Duration.ofDays(2);
            case "sleep_get" -> Duration.ofHours(12);
            default -> Duration.ZERO;
        };
    }

    @Override
    public int effectiveStatus(int httpStatus, JsonNode body) {
        if (httpStatus != 200 || !body.has("status")) {
            return httpStatus;
        }
        int status = body.path("status").asInt(-1);
        if (status == 0) {
            return 200;
        }
        if (status == 401) {
            return 401;
        }
        if (status == 601) {
            return 429;
        }
        // 2554 unknown action, 503 invalid params, …: the request is wrong, retrying does not help
        return status >= 500 && status < 600 && status != 503 ? 503 : 400;
    }
}
