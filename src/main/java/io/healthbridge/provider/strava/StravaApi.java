package io.healthbridge.provider.strava;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * Strava v3: {@code /athlete/activities?after=&before=&page=&per_page=}, page-numbered, and each activity's streams
 * ({@code /activities/{id}/streams}), one request more per activity. The app-wide read limits
 * (100 per 15 minutes, 1,000 per day, windows at :00/:15/:30/:45 and midnight UTC) are the default quota; the
 * {@code X-ReadRateLimit-*} headers are honoured too.
 */
public class StravaApi implements ProviderApi {

    static final int PER_PAGE = 50;

    @Override
    public String provider() {
        return StravaMapper.PROVIDER;
    }

    @Override
    public List<String> datasets() {
        return List.of("activities");
    }

    @Override
    public ProviderDefaults defaults() {
        return new ProviderDefaults("https://www.strava.com/api/v3", "https://www.strava.com/oauth/authorize",
                "https://www.strava.com/oauth/token", "https://www.strava.com/oauth/deauthorize",
                List.of("read", "activity:read_all"), ",", false, "standard", "100/15m,1000/1d", "none", List.of());
    }

    @Override
    public ProviderRequest request(String dataset, TimeWindow w, String pageToken, ZoneId zone) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("after", String.valueOf(w.from().getEpochSecond()));
        q.put("before", String.valueOf(w.to().getEpochSecond()));
        q.put("page", pageToken == null ? "1" : pageToken);
        q.put("per_page", String.valueOf(PER_PAGE));
        return ProviderRequest.get("/athlete/activities", q);
    }

    @Override
    public Page page(String dataset, JsonNode body) {
        return page(dataset, body, null);
    }

    /** A full page means there may be another. */
    @Override
    public Page page(String dataset, JsonNode body, String currentPageToken) {
        int current = currentPageToken == null ? 1 : Integer.parseInt(currentPageToken);
        return new Page(body, body.isArray() && body.size() >= PER_PAGE ? String.valueOf(current + 1) : null);
    }

    /** Each activity's streams, keyed by type: the samples and route of the workout. */
    @Override
    public Optional<ProviderRequest> detailRequest(String dataset, JsonNode activity) {
        JsonNode id = activity.get("id");
        if (id == null || !(id.isIntegralNumber() || id.isTextual()) || id.asText().isBlank()) {
            return Optional.empty();
        }
        Map<String, String> q = new LinkedHashMap<>();
        q.put("keys", StravaStreams.KEYS);
        q.put("key_by_type", "true");
        return Optional.of(ProviderRequest.get("/activities/" + URLEncoder.encode(id.asText(), StandardCharsets.UTF_8)
                + "/streams", q));
    }

    @Override
    public String detailField(String dataset) {
        return StravaMapper.STREAMS;
    }

    @Override
    public Duration maxWindow(String dataset) {
        return Duration.ofDays(30);
    }

    @Override
    public Duration overlap(String dataset) {
        return Duration.ofDays(1);
    }
}
