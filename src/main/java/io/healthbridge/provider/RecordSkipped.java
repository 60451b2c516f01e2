package io.healthbridge.provider;

/**
 * Thrown by a mapper for a record that is left out on purpose (deleted at the provider, not scored yet, taken off the
 * wrist, a goal rather than a measurement). It is counted with its reason, never lost without a trace.
 */
public class RecordSkipped extends RuntimeException {

    /** The reason an empty record gets when its mapper gave none. */
    public static final String NO_MEASUREMENT = "no_measurement";

    private final String reason;

    /**
     * @param reason a short snake_case code, the label of {@code healthbridge_records_skipped_total}
     * @param detail what a person reading the log needs to know
     */
    public RecordSkipped(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
