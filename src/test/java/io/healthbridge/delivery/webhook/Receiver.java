package io.healthbridge.delivery.webhook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on loopback: records every request and answers with a programmable status. Its signature check
 * is written from the Standard Webhooks specification, independently of Healthbridge's signer.
 */
public final class Receiver implements AutoCloseable {

    public record Request(String id, String timestamp, String signature, String contentType, String body, int answered,
            String traceparent) {
    }

    final HttpServer server;
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile int status = 200;
    final AtomicInteger failFirst = new AtomicInteger();

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
        server.createContext("/hook", this::handle);
        server.start();
    }

    /** The status every later request is answered with. */
    public void setStatus(int status) {
        this.status = status;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int code = failFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : status;
        requests.add(new Request(ex.getRequestHeaders().getFirst("webhook-id"),
                ex.getRequestHeaders().getFirst("webhook-timestamp"), ex.getRequestHeaders().getFirst("webhook-signature"),
                ex.getRequestHeaders().getFirst("Content-Type"), body, code, ex.getRequestHeaders().getFirst("traceparent")));
        byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    List<String> acceptedIds() {
        List<String> ids = new ArrayList<>();
        requests.forEach(r -> ids.add(r.id()));
        return ids;
    }

    /** Standard Webhooks: any "v1,<sig>" in the space-separated header must equal base64 HMAC-SHA256(key, id.ts.body). */
    static boolean verifies(Request r, String secret) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(
                mac.doFinal((r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        for (String part : r.signature().split(" ")) {
            if (part.startsWith("v1,") && java.security.MessageDigest.isEqual(
                    part.substring(3).getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    /** The official Standard Webhooks library's verification (com.standardwebhooks:standardwebhooks). */
    static boolean officialLibraryVerifies(Request r, String secret) {
        try {
            new com.standardwebhooks.Webhook(secret).verify(r.body(), java.util.Map.of(
                    "webhook-id", List.of(r.id()), "webhook-timestamp", List.of(r.timestamp()),
                    "webhook-signature", List.of(r.signature())));
            return true;
        } catch (com.standardwebhooks.exceptions.WebhookVerificationException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
