package io.healthbridge.provider;

import com.fasterxml.jackson.databind.JsonNode;

/** One page of a provider response: what to ingest, and the token of the next page (null on the last). */
public record Page(JsonNode payload, String nextPageToken) {

    /** A page whose next token is in {@code field} of the body (absent, null or blank on the last page). */
    public static Page withTokenIn(JsonNode body, String field) {
        JsonNode next = field == null ? null : body.get(field);
        return new Page(body, next == null || next.isNull() || next.asText().isBlank() ? null : next.asText());
    }
}
