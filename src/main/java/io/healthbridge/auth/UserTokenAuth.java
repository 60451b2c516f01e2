package io.healthbridge.auth;

import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.store.Connection;
import io.healthbridge.store.ConnectionStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Adds the access token of a user's provider connection (from the store, refreshed when it is about to expire). The
 * connection is the one named by header {@code Healthbridge.connectionId}, or the user's ({@code Healthbridge.userId})
 * connection to {@link #setProvider provider}.
 */
public class UserTokenAuth implements Processor {

    public static final String CONNECTION_ID = "Healthbridge.connectionId";

    private String provider;

    @Override
    public void process(Exchange exchange) {
        CamelContext camelContext = exchange.getContext();
        ConnectionStore store = camelContext.getRegistry().lookupByNameAndType("connectionStore", ConnectionStore.class);
        TokenManager tokens = camelContext.getRegistry().lookupByNameAndType("tokenManager", TokenManager.class);
        String id = exchange.getMessage().getHeader(CONNECTION_ID, String.class);
        String user = exchange.getMessage().getHeader(HealthbridgeHeaders.USER_ID, String.class);
        Connection c = id != null ? store.get(id).orElse(null)
                : user != null && provider != null ? store.find(user, provider).orElse(null) : null;
        if (c == null) {
            throw new ConnectionRevokedException("no connection for " + (id != null ? "id " + id
                    : "user " + user + " and provider " + provider));
        }
        exchange.getMessage().setHeader("Authorization", "Bearer " + tokens.accessToken(c));
    }

    public void setProvider(String provider) {
        this.provider = provider;
    }

    @Override
    public String toString() {
        return "UserTokenAuth[" + provider + "]";
    }
}
