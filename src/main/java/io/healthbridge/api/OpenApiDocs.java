package io.healthbridge.api;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.ApiKeyDefinition;
import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;

/**
 * Completes the OpenAPI document Camel generates from the REST DSL, so it validates and tells clients how to call:
 * a summary for every operation, its success and error responses (the one error format), and the two ways to
 * authenticate (bearer token: API key or operator access token; {@code X-API-Key} header). Applied to the model once
 * the routes are in; the document is built from the model on request.
 */
public final class OpenApiDocs {

    private static final Set<String> OPEN = Set.of("connect-start", "connect-callback", "api-auth-login",
            "api-auth-refresh");
    private static final String ERROR = "Error in the API's format: {\"error\":{\"code\",\"message\",\"details\"},"
                                        + "\"request_id\",\"timestamp\"}";

    private OpenApiDocs() {
    }

    public static void describe(CamelContext context) {
        for (RestDefinition rest : context.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            if (rest.getSecurityDefinitions() == null) {
                rest.securityDefinitions()
                        .bearerToken("bearer", "An API key (hbk_…) or an operator access token from POST /api/v1/auth/login",
                                "API key or JWT");
                ApiKeyDefinition key = rest.getSecurityDefinitions().apiKey("apiKey", "An API key in the X-API-Key header");
                key.setName("X-API-Key");
                key.setInHeader("true");
            }
            for (VerbDefinition verb : rest.getVerbs()) {
                String id = verb.getId() == null ? "" : verb.getId();
                if (verb.getDescription() == null) {
                    verb.setDescription(summary(id));
                }
                if (verb.getResponseMsgs().isEmpty()) {
                    boolean open = OPEN.contains(id);
                    add(verb, id.endsWith("-create") || id.endsWith("-register") ? "201" : "200", "Success");
                    add(verb, "400", "Invalid request (VAL_001, VAL_002). " + ERROR);
                    if (!open) {
                        add(verb, "401", "Missing, invalid (AUTH_001) or expired (AUTH_002) credentials. " + ERROR);
                        add(verb, "403", "The key or role may only read (AUTH_003). " + ERROR);
                    }
                    add(verb, "default", ERROR);
                }
                if (verb.getSecurity().isEmpty() && !OPEN.contains(id)) {
                    for (String scheme : new String[] { "bearer", "apiKey" }) {
                        SecurityDefinition s = new SecurityDefinition();
                        s.setKey(scheme);
                        verb.getSecurity().add(s);
                    }
                }
            }
        }
    }

    private static void add(VerbDefinition verb, String code, String message) {
        ResponseMessageDefinition r = new ResponseMessageDefinition(verb);
        r.setCode(code);
        r.setMessage(message);
        verb.getResponseMsgs().add(r);
    }

    /** "api-integrations-health-check" → "Integrations health check". */
    static String summary(String id) {
        String s = id.replaceFirst("^api-", "").replace('-', ' ').trim();
        return s.isEmpty() ? "Operation" : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
