package io.healthbridge.provider;

import com.fasterxml.jackson.databind.JsonNode;

/** One page of a provider response: what to ingest, and the token of the next page (null on the last). */
public record Page(JsonNode payload, String nextPageToken) {
}
