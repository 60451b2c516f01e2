package io.healthbridge.provider.polar;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.healthbridge.store.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Polar AccessLink shows a user's data only once the app has registered the user ({@code POST /v3/users}). */
public final class PolarUsers {

    private static final Logger LOG = LoggerFactory.getLogger(PolarUsers.class);

    private PolarUsers() {
    }

    /** Polar shows a user's data only after {@code POST /v3/users}; 409 means already registered. */
    public static void register(String baseUrl, Connection c) {
        try {
            var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(baseUrl + "/v3/users")).timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + c.accessToken()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"member-id\":\"" + c.userId().replace("\"", "") + "\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2 && r.statusCode() != 409) {
                LOG.warn("Polar user registration of connection {} answered {}", c.id(), r.statusCode());
            }
        } catch (IOException e) {
            LOG.warn("Polar user registration of connection {} failed: {}", c.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
