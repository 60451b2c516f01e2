package io.healthbridge.delivery.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.TypeGlob;
import io.healthbridge.http.TargetPolicy;

/** A webhook subscription request body, checked: its fields, or the errors found (field → message). */
record WebhookInput(String url, String description, List<String> types, List<String> users, String format,
        Boolean enabled, String secret, Map<String, String> errors) {

    /** Reads and checks a request body; {@code partial}: a PATCH, where every field may be absent. */
    static WebhookInput parse(String text, boolean partial, TargetPolicy targets) {
        Map<String, String> errors = new LinkedHashMap<>();
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? null : EventJson.readStrict(text);
        } catch (RuntimeException e) {
            body = null;
            errors.put("body", "not valid JSON");
        }
        if (body == null && errors.isEmpty()) {
            errors.put("body", "a JSON object is required");
        }
        if (body != null && !body.isObject()) {
            errors.put("body", "must be a JSON object");
            body = null;
        }
        if (body == null) {
            return new WebhookInput(null, null, null, null, null, null, null, errors);
        }
        String url = text(body, "url", errors);
        if (url == null && !partial) {
            errors.put("url", "required");
        } else if (url != null) {
            String p = targets.problem(url);
            if (p != null) {
                errors.put("url", p);
            }
        }
        List<String> types = strings(body, "event_types", errors);
        if (types == null && !partial) {
            errors.put("event_types", "required: a non-empty list such as [\"health.*\"]");
        } else if (types != null) {
            if (types.isEmpty()) {
                errors.put("event_types", "must not be empty");
            }
            for (String t : types) {
                if (!knownType(t)) {
                    errors.put("event_types", "unknown event type '" + t + "'");
                }
            }
        }
        List<String> users = strings(body, "user_ids", errors);
        String format = text(body, "format", errors);
        if (format != null && !format.equals(WebhookEndpoint.CLOUDEVENTS) && !format.equals(WebhookEndpoint.FHIR)) {
            errors.put("format", "must be cloudevents or fhir");
        }
        Boolean enabled = null;
        if (body.has("enabled")) {
            if (body.get("enabled").isBoolean()) {
                enabled = body.get("enabled").asBoolean();
            } else {
                errors.put("enabled", "must be true or false");
            }
        }
        String secret = text(body, "secret", errors);
        if (secret != null && WebhookSigner.problem(secret) != null) {
            errors.put("secret", WebhookSigner.problem(secret));
        }
        String description = text(body, "description", errors);
        if (description != null && description.length() > 1024) {
            errors.put("description", "at most 1024 characters");
        }
        return new WebhookInput(url, description, types, users, format, enabled, secret, errors);
    }

    /**
     * A known event type, or a pattern with {@code *} that matches at least one; either may be asked of reconciled
     * results ({@code reconciled:health.steps}).
     */
    static boolean knownType(String pattern) {
        if (pattern == null || pattern.length() > 100) {
            return false;
        }
        if (pattern.startsWith(TypeGlob.RECONCILED_PREFIX)) {
            pattern = pattern.substring(TypeGlob.RECONCILED_PREFIX.length());
        }
        for (DataType t : DataType.values()) {
            if (TypeGlob.matches(pattern, t.eventType())) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode body, String field, Map<String, String> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.put(field, "must be a string");
            return null;
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode body, String field, Map<String, String> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            errors.put(field, "must be a list of strings");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                errors.put(field, "must be a list of strings");
                return null;
            }
            out.add(s.asText());
        }
        return out;
    }
}
