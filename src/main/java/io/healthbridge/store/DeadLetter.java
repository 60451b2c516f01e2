package io.healthbridge.store;

import java.time.Instant;

/**
 * A provider record or event that could not be published, kept with everything needed to replay it.
 *
 * @param zone       the user's time zone at ingest, for providers that send local times
 * @param stage      {@code mapping} (the mapper refused the record) or {@code validation} (the event broke its schema)
 * @param reasonCode low-cardinality reason for metrics: {@code mapping_error}, {@code schema_invalid}
 * @param raw        the provider record (JSON)
 * @param event      the rejected event (JSON) for validation failures, else null
 * @param status     {@code open}, or {@code replayed} once a replay published it
 */
public record DeadLetter(String id, String provider, String dataset, String userId, String providerUserId,
        String zone, String stage, String reasonCode, String reason, String raw, String event, String status, Instant createdAt,
        Instant replayedAt, String replayResult) {

    public static final String OPEN = "open";
    public static final String REPLAYED = "replayed";
}
