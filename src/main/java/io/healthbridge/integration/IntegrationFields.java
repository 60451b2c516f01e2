package io.healthbridge.integration;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.http.TargetPolicy;
import io.healthbridge.quota.QuotaSpec;

/** The fields of an integration's JSON, each mapped to a provider setting, with its checks. */
final class IntegrationFields {

    private IntegrationFields() {
    }

    enum Kind { URL, TEXT, SECRET, SCOPES, QUOTA, COUNT, MILLIS, RATE, BOOL }

    record Field(String json, String key, Kind kind, long min, long max) {
    }

    /** JSON field (dotted) → {@code healthbridge.providers.<id>.<key>}. */
    static final List<Field> FIELDS = List.of(
            new Field("base_url", "base-url", Kind.URL, 0, 0),
            new Field("auth.client_id", "client-id", Kind.TEXT, 0, 0),
            new Field("auth.client_secret", "client-secret", Kind.SECRET, 0, 0),
            new Field("auth.authorize_url", "authorize-url", Kind.URL, 0, 0),
            new Field("auth.token_url", "token-url", Kind.URL, 0, 0),
            new Field("auth.revoke_url", "revoke-url", Kind.URL, 0, 0),
            new Field("auth.scopes", "scopes", Kind.SCOPES, 0, 0),
            new Field("quotas.app", "app-quota", Kind.QUOTA, 0, 0),
            new Field("quotas.user", "user-quota", Kind.QUOTA, 0, 0),
            new Field("quotas.max_wait_ms", "quota.max-wait-ms", Kind.MILLIS, 0, 3_600_000),
            new Field("breaker.minimum_calls", "breaker.minimum-calls", Kind.COUNT, 1, 1000),
            new Field("breaker.failure_rate", "breaker.failure-rate", Kind.RATE, 1, 100),
            new Field("breaker.open_ms", "breaker.open-ms", Kind.MILLIS, 100, 86_400_000),
            new Field("retry.max_attempts", "retry.max-attempts", Kind.COUNT, 1, 20),
            new Field("retry.initial_backoff_ms", "retry.initial-backoff-ms", Kind.MILLIS, 1, 3_600_000),
            new Field("retry.max_backoff_ms", "retry.max-backoff-ms", Kind.MILLIS, 1, 3_600_000),
            new Field("timeout_ms", "timeout-ms", Kind.MILLIS, 100, 600_000),
            new Field("initial_lookback_days", "initial-lookback-days", Kind.COUNT, 1, 3650),
            new Field("schedule.poll_interval_ms", "poll.interval-ms", Kind.MILLIS, 1000, 86_400_000),
            new Field("schedule.enabled", "poll.enabled", Kind.BOOL, 0, 0));

    /** JSON → setting keys; null values (JSON null) reset a field. Unknown fields and wrong types are refused. */
    static Map<String, String> parse(JsonNode body, TargetPolicy targets) {
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            throw new Integrations.InvalidException(Map.of("body", "not a JSON object"));
        }
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject()) {
                e.getValue().fields().forEachRemaining(f -> flat.put(e.getKey() + "." + f.getKey(), f.getValue()));
            } else {
                flat.put(e.getKey(), e.getValue());
            }
        }
        flat.remove("provider");
        for (Map.Entry<String, JsonNode> e : flat.entrySet()) {
            Optional<Field> field = FIELDS.stream().filter(f -> f.json().equals(e.getKey())).findFirst();
            if (field.isEmpty()) {
                errors.put(e.getKey(), "unknown field");
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                out.put(field.get().key(), null);
                continue;
            }
            String problem = check(field.get(), v);
            if (problem == null && field.get().kind() == Kind.URL && targets != null) {
                // the runtime calls these URLs (and a health check reports what they answer): never inward
                problem = targets.problem(v.asText());
            }
            if (problem != null) {
                errors.put(e.getKey(), problem);
            } else {
                out.put(field.get().key(), value(field.get(), v));
            }
        }
        if (!errors.isEmpty()) {
            throw new Integrations.InvalidException(errors);
        }
        return out;
    }

    private static String check(Field f, JsonNode v) {
        return switch (f.kind()) {
            case URL -> {
                if (!v.isTextual()) {
                    yield "must be an http or https URL";
                }
                try {
                    URI u = URI.create(v.asText());
                    yield u.isAbsolute() && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                          && u.getHost() != null && v.asText().length() <= 2048 ? null : "must be an http or https URL";
                } catch (IllegalArgumentException e) {
                    yield "must be an http or https URL";
                }
            }
            case TEXT, SECRET -> v.isTextual() && !v.asText().isBlank() && v.asText().length() <= 4096 ? null
                    : "must be a non-empty string";
            case SCOPES -> {
                if (!v.isArray()) {
                    yield "must be an array of strings";
                }
                for (JsonNode s : v) {
                    if (!s.isTextual() || s.asText().isBlank() || s.asText().contains(" ")) {
                        yield "must be an array of strings without spaces";
                    }
                }
                yield null;
            }
            case QUOTA -> {
                if (!v.isTextual()) {
                    yield "must be a quota such as \"300/1m,5000/1d\" or \"none\"";
                }
                try {
                    QuotaSpec.parse(v.asText());
                    yield null;
                } catch (RuntimeException e) {
                    yield e.getMessage();
                }
            }
            case COUNT, MILLIS, RATE -> v.isIntegralNumber() || f.kind() == Kind.RATE && v.isNumber()
                    ? v.asDouble() >= f.min() && v.asDouble() <= f.max() ? null
                    : "must be between " + f.min() + " and " + f.max()
                    : "must be a number between " + f.min() + " and " + f.max();
            case BOOL -> v.isBoolean() ? null : "must be true or false";
        };
    }

    private static String value(Field f, JsonNode v) {
        return switch (f.kind()) {
            case SCOPES -> {
                List<String> scopes = new ArrayList<>();
                v.forEach(s -> scopes.add(s.asText()));
                yield String.join(" ", scopes);
            }
            case COUNT, MILLIS -> String.valueOf(v.asLong());
            case RATE -> String.valueOf(v.asDouble());
            default -> v.asText();
        };
    }
}
