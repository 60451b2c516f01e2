package io.healthbridge.event;

/**
 * An event-type filter with {@code *} wildcards ({@code health.sleep_*}, {@code health.*}, {@code *}), as webhooks and
 * WebSocket clients give them. Matched without a regular expression: a greedy scan that returns to the last star
 * takes at most (pattern length × type length) steps whatever the pattern, where a regex of {@code .*} groups
 * backtracks exponentially on a hostile filter ({@code **********Z}).
 */
public final class TypeGlob {

    private final String pattern;

    private TypeGlob(String pattern) {
        this.pattern = pattern;
    }

    /** The prefix a filter puts before a type to match reconciled results: {@code reconciled:health.*}. */
    public static final String RECONCILED_PREFIX = CanonicalEvent.RECONCILED + ":";

    /**
     * The name filters match an event by: its type; for a reconciled result (provider {@code reconciled}) its type
     * after {@link #RECONCILED_PREFIX}, so {@code health.*} keeps meaning every source's events and the one truth is
     * asked for by name ({@code reconciled:health.*}), never received by surprise beside them (a consumer summing
     * {@code health.steps} would count a day twice). {@code *} matches both.
     */
    public static String subscribed(String type, String provider) {
        return CanonicalEvent.RECONCILED.equals(provider) ? RECONCILED_PREFIX + type : type;
    }

    public static TypeGlob of(String pattern) {
        return new TypeGlob(pattern);
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(String type) {
        return matches(pattern, type);
    }

    /** Whether {@code type} matches {@code pattern}, where {@code *} stands for any run of characters. */
    public static boolean matches(String pattern, String type) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < type.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (p < pattern.length() && pattern.charAt(p) == type.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
