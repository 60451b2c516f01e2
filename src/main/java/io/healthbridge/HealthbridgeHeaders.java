package io.healthbridge;

/** Header and exchange property keys used between Healthbridge routes. */
public final class HealthbridgeHeaders {

    /** Provider id of a payload: {@code oura}, {@code withings}, … */
    public static final String PROVIDER = "Healthbridge.provider";
    /** The provider dataset (endpoint) a payload is a response of. */
    public static final String DATASET = "Healthbridge.dataset";
    /** Healthbridge user id the payload belongs to. */
    public static final String USER_ID = "Healthbridge.userId";
    /** The user's id at the provider. */
    public static final String PROVIDER_USER_ID = "Healthbridge.providerUserId";
    /** The user's time zone (IANA id), for providers that send local times. */
    public static final String ZONE = "Healthbridge.zone";
    /** Id of the canonical event being published. */
    public static final String EVENT_ID = "Healthbridge.eventId";
    /** Why stored events are retracted ({@code direct:retract}): the tombstones' reason. */
    public static final String REASON = "Healthbridge.reason";
    /**
     * When the work that made a payload began, as {@code io.healthbridge.store.ErasureGate#now()} then (a
     * {@code Long}): what a person's erasure after that moment withholds. Without it, when the exchange began.
     */
    public static final String WORK_BEGAN = "Healthbridge.workBegan";
    /** Exchange property: the {@link io.healthbridge.event.IngestSummary} of an ingest. */
    public static final String INGEST_SUMMARY = "Healthbridge.ingestSummary";

    private HealthbridgeHeaders() {
    }
}
