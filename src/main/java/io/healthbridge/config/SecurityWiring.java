package io.healthbridge.config;

import java.time.Clock;

import io.healthbridge.auth.ConnectLinks;
import io.healthbridge.crypto.SecretBox;
import io.healthbridge.security.DeviceTokens;
import io.healthbridge.http.RateLimits;
import io.healthbridge.security.ApiKeys;
import io.healthbridge.security.Authenticator;
import io.healthbridge.security.LoginLimiter;
import io.healthbridge.security.OperatorSessions;
import io.healthbridge.security.Operators;
import io.healthbridge.security.PasswordHasher;
import io.healthbridge.security.SharedKeys;
import io.healthbridge.store.DataDirectory;
import io.healthbridge.store.Database;
import org.apache.camel.spi.Registry;

/**
 * Who may call: the secret box for tokens at rest, API keys, operators and their sessions, the authenticator, login
 * and request rate limits, signed connect links; and the first-start credentials when none are configured.
 */
final class SecurityWiring {

    final SecretBox secrets;
    final Authenticator authenticator;

    SecurityWiring(Registry registry, Settings settings, StoreWiring store, Clock clock) throws Exception {
        Database database = store.database;
        secrets = SecretBox.load(System.getenv("HEALTHBRIDGE_SECRET_KEY"), store.dataDir);
        String adminKey = System.getenv("HEALTHBRIDGE_ADMIN_API_KEY");
        if (adminKey == null || adminKey.isBlank()) {
            adminKey = settings.text("healthbridge.api.admin-key");
        }
        ApiKeys apiKeys = new ApiKeys(database.dataSource(), adminKey, clock);
        registry.bind("apiKeys", apiKeys);
        registry.bind("deviceTokens", new DeviceTokens(database.dataSource(), clock));
        InitialCredentials.adminKey(apiKeys, store.dataDir);
        Operators operators = new Operators(database.dataSource(), new PasswordHasher(), clock);
        OperatorSessions sessions = new OperatorSessions(database.dataSource(), operators, secrets, clock,
                settings.duration("healthbridge.auth.access-token-ttl"),
                settings.duration("healthbridge.auth.refresh-token-ttl"));
        registry.bind("operators", operators);
        registry.bind("operatorSessions", sessions);
        authenticator = new Authenticator(apiKeys, sessions);
        registry.bind("authenticator", authenticator);
        registry.bind("loginLimiter", new LoginLimiter(settings.rate("healthbridge.auth.login-limit-per-user"),
                settings.rate("healthbridge.auth.login-limit-per-address"), 100_000));
        var limits = new RateLimits.Limits(settings.rate("healthbridge.rate-limit.api-per-credential"),
                settings.rate("healthbridge.rate-limit.api-per-address"),
                settings.rate("healthbridge.rate-limit.push-per-provider"),
                settings.rate("healthbridge.rate-limit.push-per-address"),
                settings.rate("healthbridge.rate-limit.connect-per-address"),
                settings.rate("healthbridge.rate-limit.other-per-address"));
        registry.bind("rateLimits", database.isPostgres() ? RateLimits.shared(limits, database.dataSource())
                : RateLimits.local(limits));
        registry.bind("connectLinks", new ConnectLinks(SharedKeys.load(database.dataSource(), secrets, clock,
                "connect-link-key"), clock, settings.flag("healthbridge.connect.require-signed-links")));
        InitialCredentials.adminOperator(operators, System.getenv("HEALTHBRIDGE_ADMIN_PASSWORD"), store.dataDir);
        // the store's files and the first-start credentials exist now: owner only, like the folder
        DataDirectory.prepare(store.dataDir);
    }
}
