package io.healthbridge.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps environment variables onto {@code healthbridge.*} and {@code camel.*} keys: upper case, every character that is
 * not a letter or digit as an underscore ({@code camel.server.port} is {@code CAMEL_SERVER_PORT}).
 * <p>
 * camel-main maps only some {@code CAMEL_*} groups itself and skips every variable ending in {@code _PORT} (it takes
 * them for Kubernetes service links), so {@code CAMEL_SERVER_PORT} would be ignored silently. Here a variable matches
 * a key declared in the configuration files exactly; one that matches no declared key is mapped by turning
 * underscores into dots.
 */
public final class EnvironmentOverrides {

    private static final Set<String> PREFIXES = Set.of("CAMEL_", "HEALTHBRIDGE_");
    /** Variables that select files, or that the launcher reads for the runtime's JVM (HeapBound), rather than set a key. */
    private static final Set<String> NOT_KEYS = Set.of("HEALTHBRIDGE_CONFIG", "HEALTHBRIDGE_MAX_HEAP",
            "HEALTHBRIDGE_CLASS_ARCHIVE");

    private EnvironmentOverrides() {
    }

    /** The environment variable name for a key. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Override properties for every matching variable of {@code env}, given the keys the files declare. */
    public static Properties from(Map<String, String> env, Set<String> declaredKeys) {
        Map<String, String> byEnvName = new TreeMap<>();
        for (String key : declaredKeys) {
            byEnvName.put(envName(key), key);
        }
        Properties overrides = new Properties();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey().toUpperCase(Locale.ROOT);
            if (NOT_KEYS.contains(name) || PREFIXES.stream().noneMatch(name::startsWith)) {
                continue;
            }
            String key = byEnvName.get(name);
            if (key == null) {
                key = name.toLowerCase(Locale.ROOT).replace('_', '.');
            }
            overrides.setProperty(key, e.getValue());
        }
        return overrides;
    }

    /** Keys declared in the built-in defaults and in the operator's file (if any). */
    public static Set<String> declaredKeys(Path configFile) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        try (InputStream in = EnvironmentOverrides.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                keys.addAll(p.stringPropertyNames());
            }
        }
        if (configFile != null && Files.isReadable(configFile)) {
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(r);
                keys.addAll(p.stringPropertyNames());
            }
        }
        return keys;
    }
}
