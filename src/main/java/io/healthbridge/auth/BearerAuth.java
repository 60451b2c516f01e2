package io.healthbridge.auth;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Adds {@code Authorization: Bearer <token>} with a fixed token (a service token from the environment). */
public class BearerAuth implements Processor {

    private String token;

    @Override
    public void process(Exchange exchange) {
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("BearerAuth has no token");
        }
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
    }

    public void setToken(String token) {
        this.token = token;
    }

    @Override
    public String toString() {
        return "BearerAuth";
    }
}
