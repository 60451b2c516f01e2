package io.healthbridge.provider;

/**
 * Thrown by a mapper for a record its provider marks as deleted (Dexcom's {@code eventStatus: deleted}): counted as a
 * skip ({@value #REASON}) and carried as a {@link Deletion}, so the events published from that record before are
 * replaced by tombstones, as a push notification's deletion would.
 */
public class RecordDeleted extends RecordSkipped {

    public static final String REASON = "deleted_at_provider";

    private final transient Deletion deletion;

    public RecordDeleted(Deletion deletion) {
        super(REASON, "the provider marks record " + deletion.recordId() + " deleted: its events become tombstones");
        this.deletion = deletion;
    }

    public Deletion deletion() {
        return deletion;
    }
}
