package io.healthbridge.provider;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** How to pull one provider's REST API: its endpoints per dataset, time windows, pagination and OAuth defaults. */
public interface ProviderApi {

    String provider();

    /** Datasets, in the names its {@link ProviderMapper} maps. */
    List<String> datasets();

    /** Live endpoints and defaults; every one can be overridden in configuration. */
    ProviderDefaults defaults();

    /** The request for one page of {@code dataset} in {@code window}; {@code pageToken} is null for the first page. */
    ProviderRequest request(String dataset, TimeWindow window, String pageToken, ZoneId zone);

    /** The payload to ingest and the next page token. */
    Page page(String dataset, JsonNode body);

    /** The same, for APIs that page by number and need the current page to name the next one. */
    default Page page(String dataset, JsonNode body, String currentPageToken) {
        return page(dataset, body);
    }

    /**
     * A request for more of one record than the list gives (Strava: an activity's streams), whose answer the poll puts
     * into the record under {@link #detailField} before it is mapped; empty when the dataset has none.
     */
    default Optional<ProviderRequest> detailRequest(String dataset, JsonNode record) {
        return Optional.empty();
    }

    /** The field of a record the answer of its {@link #detailRequest} goes into. */
    default String detailField(String dataset) {
        return "detail";
    }

    /** Largest window one request may ask for. */
    Duration maxWindow(String dataset);

    /** How far before the cursor each sync starts again, for records the provider revises (daily totals, re-scored sleep). */
    default Duration overlap(String dataset) {
        return Duration.ZERO;
    }

    /**
     * For providers that import history asynchronously (Garmin: the data arrives later by push), the request that asks
     * for a window of history; empty for providers whose history is simply pulled.
     */
    default Optional<ProviderRequest> backfillRequest(String dataset, TimeWindow window) {
        return Optional.empty();
    }

    /** Largest window one backfill request may cover, when {@link #backfillRequest} is used. */
    default Duration backfillWindow(String dataset) {
        return maxWindow(dataset);
    }

    /**
     * The HTTP status this answer stands for: providers that answer every call with 200 and an error code in the body
     * (Withings) map that code here, so retries, refresh on 401 and rate limits work the same for all.
     */
    default int effectiveStatus(int httpStatus, JsonNode body) {
        return httpStatus;
    }
}
