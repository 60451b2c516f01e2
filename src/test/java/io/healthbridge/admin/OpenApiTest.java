package io.healthbridge.admin;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.EventJson;
import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI 3 document is public and covers every REST operation of the running context; /api/docs shows it. */
class OpenApiTest {

    @TempDir
    Path work;

    @Test
    void theDocumentCoversEveryRestOperation() throws Exception {
        try (RunningHealthbridge hb = RunningHealthbridge.start(work)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hb.uri("/api/openapi.json"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode doc = EventJson.read(r.body());
            assertThat(doc.get("openapi").asText()).startsWith("3.");
            assertThat(doc.get("info").get("title").asText()).isEqualTo("Healthbridge API");
            int operations = 0;
            for (RestDefinition rest : hb.runtime().context().getCamelContextExtension().getContextPlugin(Model.class)
                    .getRestDefinitions()) {
                for (VerbDefinition verb : rest.getVerbs()) {
                    String path = (rest.getPath() == null ? "" : rest.getPath()) + (verb.getPath() == null ? "" : verb.getPath());
                    String method = verb.asVerb().toLowerCase(Locale.ROOT);
                    assertThat(doc.get("paths").has(path)).as("path " + path).isTrue();
                    assertThat(doc.get("paths").get(path).has(method)).as(method + " " + path).isTrue();
                    operations++;
                }
            }
            assertThat(operations).isGreaterThan(45);

            // the document's own route has a name in /api/v1/routes, not Camel's route1
            assertThat(hb.runtime().context().getRoute("api-openapi")).isNotNull();
            // no server of the bind address (http://0.0.0.0): a relative one, so calls go where the client reached
            // the document
            assertThat(doc.at("/servers/0/url").asText("")).isIn("", "/");
            // the document validates as OpenAPI 3 (swagger-parser, the reference parser of the OpenAPI tooling)
            io.swagger.v3.parser.core.models.SwaggerParseResult parsed = new io.swagger.v3.parser.OpenAPIV3Parser()
                    .readContents(r.body(), null, null);
            assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
            assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/api/v1/auth/login", "/api/v1/integrations",
                    "/api/v1/integrations/{provider}/health-check", "/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry");
            // every operation says how the API is secured, except login, refresh and the public description
            assertThat(doc.at("/components/securitySchemes").size()).isPositive();
            HttpResponse<String> docs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hb.uri("/api/docs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(docs.statusCode()).isEqualTo(200);
            assertThat(docs.headers().firstValue("Content-Type").orElse("")).contains("text/html");
            assertThat(docs.body()).contains("/api/openapi.json", "/api/docs/swagger-ui-bundle.js", "/api/docs/init.js");
            assertThat(docs.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
            // Swagger UI from its webjar, started by our script with the API's own document
            HttpResponse<String> bundle = hb.get("/api/docs/swagger-ui-bundle.js");
            assertThat(bundle.statusCode()).isEqualTo(200);
            assertThat(bundle.headers().firstValue("Content-Type").orElse("")).contains("text/javascript");
            assertThat(bundle.body()).contains("SwaggerUIBundle");
            assertThat(hb.get("/api/docs/swagger-ui.css").statusCode()).isEqualTo(200);
            assertThat(hb.get("/api/docs/init.js").body()).contains("url: '/api/openapi.json'", "hb.access");
            // only the files it names: nothing else of the classpath
            assertThat(hb.get("/api/docs/index.html").statusCode()).isEqualTo(404);
            assertThat(hb.get("/api/docs/swagger-initializer.js").statusCode()).isEqualTo(404);
        }
    }
}
