package io.healthbridge.event;

import java.time.Instant;
import java.time.ZoneId;

/**
 * Who and when a provider payload was fetched for.
 *
 * @param provider       provider id ({@code oura}, {@code withings}, …)
 * @param userId         the Healthbridge user id (the event subject)
 * @param providerUserId the user's id at the provider, when known
 * @param fetchedAt      when Healthbridge received the payload
 * @param zone           the user's time zone, used only when the provider gives local times without an offset
 */
public record MappingContext(String provider, String userId, String providerUserId, Instant fetchedAt, ZoneId zone) {

    public MappingContext {
        if (provider == null || userId == null || fetchedAt == null) {
            throw new IllegalArgumentException("provider, userId and fetchedAt are required");
        }
        if (zone == null) {
            zone = ZoneId.of("UTC");
        }
    }
}
