package io.healthbridge.config;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

import io.healthbridge.security.ApiKeys;
import io.healthbridge.store.Database;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code java -jar healthbridge.jar create-api-key --name NAME --scopes read|admin [--config FILE]}: creates an API key
 * straight in the store (the runtime may be stopped) and prints it once.
 */
public final class ApiKeyCommand {

    private ApiKeyCommand() {
    }

    public static int run(String[] args, Path config) throws Exception {
        // the key is the only thing on standard output, so KEY=$(java -jar … create-api-key …) works
        Configurator.setRootLevel(Level.WARN);
        String name = null;
        String scopes = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--name" -> name = i + 1 < args.length ? args[++i] : null;
                case "--scopes" -> scopes = i + 1 < args.length ? args[++i] : null;
                case "--config", "-c" -> i++;
                default -> {
                    System.err.println("healthbridge create-api-key: unknown option " + args[i]);
                    return 2;
                }
            }
        }
        if (name == null || scopes == null) {
            System.err.println("usage: java -jar healthbridge.jar create-api-key --name NAME --scopes read|admin [--config FILE]");
            return 2;
        }
        Set<String> scopeSet = new LinkedHashSet<>(Arrays.asList(scopes.split(",")));
        if (!ApiKeys.SCOPES.containsAll(scopeSet)) {
            System.err.println("healthbridge create-api-key: scopes must be among " + ApiKeys.SCOPES);
            return 2;
        }
        Properties p = new Properties();
        try (var in = ApiKeyCommand.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        if (config != null) {
            try (var r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        p.putAll(EnvironmentOverrides.from(System.getenv(), p.stringPropertyNames()));
        Path dataDir = Path.of(p.getProperty("healthbridge.data.dir", "data").trim()).toAbsolutePath().normalize();
        String url = p.getProperty("healthbridge.store.url", "").trim();
        if (url.isEmpty()) {
            Files.createDirectories(dataDir);
            url = Database.embeddedUrl(dataDir);
        }
        try (Database db = Database.open(url, p.getProperty("healthbridge.store.username", "sa").trim(),
                p.getProperty("healthbridge.store.password", "").trim(), 2)) {
            String key = new ApiKeys(db.dataSource(), null, Clock.systemUTC()).create(name, scopeSet);
            System.out.println(key);
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("already in use")) {
                // the embedded H2 store is one process's file: a running runtime holds it
                System.err.println("healthbridge create-api-key: the embedded store in " + dataDir + " is in use by a "
                                   + "running Healthbridge. Stop it first, or create the key through the API: "
                                   + "POST /api/v1/keys");
            } else {
                System.err.println("healthbridge create-api-key: " + e.getMessage());
            }
            return 1;
        }
        return 0;
    }
}
