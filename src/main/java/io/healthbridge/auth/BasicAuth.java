package io.healthbridge.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Adds HTTP Basic authentication ({@code Authorization: Basic base64(user:password)}). */
public class BasicAuth implements Processor {

    private String username;
    private String password;

    @Override
    public void process(Exchange exchange) {
        if (username == null || password == null) {
            throw new IllegalStateException("BasicAuth needs username and password");
        }
        String pair = username + ":" + password;
        exchange.getMessage().setHeader("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public String toString() {
        return "BasicAuth[" + username + "]";
    }
}
