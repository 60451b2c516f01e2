package io.healthbridge.reconcile;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.store.Sql;
import io.healthbridge.store.StoreException;

/**
 * Which source counts first, per data type: the deployment's defaults ({@code healthbridge.reconcile.priority.*})
 * and a user's own order, kept in the store. An entry names a source ({@code apple_health:watch}) or a provider
 * ({@code garmin}, matching each of its sources); sources no entry names come after, in name order.
 */
public class Priorities {

    /** The data types reconciled, and so the ones a priority may be given for. */
    public static final Set<String> TYPES = Set.of("steps", "distance", "active_energy", "sleep_session", "workout");
    static final int MAX_ENTRIES = 50;

    private final DataSource dataSource;
    private final Map<String, List<String>> defaults;
    private final Clock clock;

    public Priorities(DataSource dataSource, Map<String, List<String>> defaults, Clock clock) {
        this.dataSource = dataSource;
        this.defaults = Map.copyOf(defaults);
        this.clock = clock;
    }

    /** The user's order per type: their own where they have one, else the default. */
    public Map<String, List<String>> of(String user) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String type : TYPES.stream().sorted().toList()) {
            out.put(type, defaults.getOrDefault(type, List.of()));
        }
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "SELECT data_type, sources FROM source_priorities WHERE user_id = ?")) {
            ps.setString(1, user);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> sources = new ArrayList<>();
                    EventJson.read(rs.getString(2)).forEach(n -> sources.add(n.asText()));
                    out.put(rs.getString(1), sources);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot read source priorities", e);
        }
        return out;
    }

    /** What is wrong with a {@code {"<type>": ["<source>", …]}} body, or null. */
    public static String problem(JsonNode body) {
        if (body == null || !body.isObject() || body.isEmpty()) {
            return "the body is an object of data types, each with its sources in order: {\"steps\": "
                   + "[\"apple_health:watch\", \"garmin\"]}";
        }
        for (var it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!TYPES.contains(e.getKey())) {
                return "'" + e.getKey() + "' is not a reconciled type; one of " + TYPES.stream().sorted().toList();
            }
            if (!e.getValue().isArray() || e.getValue().size() > MAX_ENTRIES) {
                return e.getKey() + " must be a list of at most " + MAX_ENTRIES + " sources";
            }
            for (JsonNode s : e.getValue()) {
                if (!s.isTextual() || !s.asText().matches("[a-z0-9_]{1,40}(:[^\\u0000-\\u001f]{1,128})?")) {
                    return e.getKey() + ": a source is a provider id, optionally ':' and an app or device "
                           + "(apple_health:watch)";
                }
            }
        }
        return null;
    }

    /**
     * Sets the user's order for the types in {@code body} (already checked with {@link #problem}), in one transaction
     * with {@code also} (the days to recompute: queued with the change or not at all).
     */
    public void set(String user, JsonNode body, List<Sql.Statement> also) {
        List<Sql.Statement> statements = new ArrayList<>();
        for (var it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            statements.add(new Sql.Statement("DELETE FROM source_priorities WHERE user_id = ? AND data_type = ?",
                    user, e.getKey()));
            statements.add(new Sql.Statement("INSERT INTO source_priorities (user_id, data_type, sources, updated_at) "
                    + "VALUES (?, ?, ?, ?)", user, e.getKey(), EventJson.write(e.getValue()),
                    Timestamp.from(clock.instant())));
        }
        statements.addAll(also);
        Sql.inTransaction(dataSource, "store source priorities", statements.toArray(Sql.Statement[]::new));
    }

    /** Orders sources by an order: named ones by their first matching entry, the rest after, by name. */
    static Comparator<String> order(List<String> entries) {
        return Comparator.<String>comparingInt(s -> rank(entries, s)).thenComparing(Comparator.naturalOrder());
    }

    static int rank(List<String> entries, String source) {
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i);
            if (e.equals(source) || !e.contains(":") && source.startsWith(e + ":")) {
                return i;
            }
        }
        return entries.size();
    }
}
