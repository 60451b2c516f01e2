package io.healthbridge.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/** One provider API request, relative to the provider's base URL; {@code form} makes it a form POST. */
public record ProviderRequest(String method, String path, Map<String, String> query, Map<String, String> form) {

    public static ProviderRequest get(String path, Map<String, String> query) {
        return new ProviderRequest("GET", path, new LinkedHashMap<>(query), null);
    }

    public static ProviderRequest postForm(String path, Map<String, String> form) {
        return new ProviderRequest("POST", path, Map.of(), new LinkedHashMap<>(form));
    }
}
