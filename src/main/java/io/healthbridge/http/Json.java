package io.healthbridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.healthbridge.event.EventJson;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The one JSON mapper of the API, and a helper to answer with JSON. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    /** The request body as a JSON object, or null when it is empty, not JSON (a key twice too) or not an object. */
    public static JsonNode objectBody(Exchange exchange) {
        return objectBody(exchange.getIn().getBody(String.class));
    }

    /** {@link #objectBody(Exchange)} of a body already read. */
    public static JsonNode objectBody(String text) {
        try {
            JsonNode n = EventJson.readStrict(text);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    public static void respond(Exchange exchange, int status, Object body) throws Exception {
        String requestId = ApiError.requestId(exchange);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(ApiError.REQUEST_ID, requestId);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(MAPPER.writeValueAsString(body));
    }
}
