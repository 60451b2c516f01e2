package io.healthbridge.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.support.RunningHealthbridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.healthbridge.support.Routes.javaConstant;
import static io.healthbridge.support.Routes.yamlConstant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every kind of broken file is rejected and reported, the routes that ran keep serving, a fix loads. */
class BrokenRouteFileTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        hb.writeRoute("good.camel.yaml", yamlConstant("good", "/good", "still here"));
        hb.writeRoute("Good.java", javaConstant("Good", "good-java", "/good-java", "java here"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hb.bodyOrNull("/good-java") != null
                                                           && hb.bodyOrNull("/good") != null);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    /** Waits for the file's rejection in /api/v1/routes and returns its error. */
    private static JsonNode awaitRejected(String file) {
        JsonNode[] error = new JsonNode[1];
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (JsonNode f : hb.getJson("/api/v1/routes").get("files")) {
                if (file.equals(f.get("file").asText()) && "rejected".equals(f.get("result").asText())) {
                    error[0] = f.get("error");
                    return true;
                }
            }
            return false;
        });
        return error[0];
    }

    private static void assertEarlierRoutesServe() throws Exception {
        assertThat(hb.bodyOrNull("/good")).isEqualTo("still here");
        assertThat(hb.bodyOrNull("/good-java")).isEqualTo("java here");
        assertThat(hb.getJson("/health").get("status").asText()).isEqualTo("UP");
    }

    private static void fixAndExpect(String file, String content, String path, String body) throws Exception {
        hb.writeRoute(file, content);
        await().atMost(Duration.ofSeconds(5)).until(() -> body.equals(hb.bodyOrNull(path)));
        Files.delete(hb.routes().resolve(file));
    }

    @Test
    void yamlSyntaxError() throws Exception {
        hb.writeRoute("syntax.camel.yaml", """
                - route:
                    id: syntax
                    from:
                      uri: platform-http:/syntax
                     steps: [
                """);
        JsonNode error = awaitRejected("syntax.camel.yaml");
        assertThat(error.get("line").asInt()).isEqualTo(5);
        assertThat(error.get("reason").asText()).contains("syntax.camel.yaml");
        assertEarlierRoutesServe();
        fixAndExpect("syntax.camel.yaml", yamlConstant("syntax", "/syntax", "fixed"), "/syntax", "fixed");
    }

    @Test
    void unknownComponent() throws Exception {
        hb.writeRoute("unknown.camel.yaml", """
                - route:
                    id: unknown
                    from:
                      uri: nosuchcomponent:foo
                      steps:
                        - log: never
                """);
        JsonNode error = awaitRejected("unknown.camel.yaml");
        assertThat(error.get("reason").asText()).contains("unknown component 'nosuchcomponent'");
        assertThat(error.get("line").asInt()).isEqualTo(4);
        assertEarlierRoutesServe();
    }

    @Test
    void unknownEndpointOptionInAnEditKeepsThePreviousVersion() throws Exception {
        hb.writeRoute("edited.camel.yaml", yamlConstant("edited", "/edited", "v1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> "v1".equals(hb.bodyOrNull("/edited")));

        hb.writeRoute("edited.camel.yaml", """
                - route:
                    id: edited
                    from:
                      uri: platform-http:/edited
                      parameters:
                        noSuchOption: true
                      steps:
                        - setBody: {constant: "v2"}
                """);
        JsonNode error = awaitRejected("edited.camel.yaml");
        assertThat(error.get("reason").asText()).contains("noSuchOption");
        assertThat(hb.bodyOrNull("/edited")).isEqualTo("v1");
        assertEarlierRoutesServe();
    }

    @Test
    void javaThatDoesNotCompile() throws Exception {
        hb.writeRoute("Broken.java", """
                import org.apache.camel.builder.RouteBuilder;

                public class Broken extends RouteBuilder {
                    public void configure() {
                        from("platform-http:/broken").routeId("broken").setBody(constant("x"))
                    }
                }
                """);
        JsonNode error = awaitRejected("Broken.java");
        assertThat(error.get("line").asInt()).isEqualTo(5);
        assertThat(error.get("reason").asText()).contains("Compilation error");
        assertEarlierRoutesServe();
        fixAndExpect("Broken.java", javaConstant("Broken", "broken", "/broken", "compiles"), "/broken", "compiles");
    }

    @Test
    void duplicateRouteIdOfAnotherFile() throws Exception {
        hb.writeRoute("dup.camel.yaml", yamlConstant("good", "/dup", "dup"));
        JsonNode error = awaitRejected("dup.camel.yaml");
        assertThat(error.get("reason").asText()).contains("duplicate route id 'good'").contains("good.camel.yaml");
        assertEarlierRoutesServe();
        assertThat(hb.get("/dup").statusCode()).isEqualTo(404);
        fixAndExpect("dup.camel.yaml", yamlConstant("dup", "/dup", "unique now"), "/dup", "unique now");
    }

    @Test
    void aBrokenFileDoesNotBlockLaterReloadsOfOtherFiles() throws Exception {
        hb.writeRoute("stays-broken.camel.yaml", "- route: [\n");
        awaitRejected("stays-broken.camel.yaml");
        hb.writeRoute("later.camel.yaml", yamlConstant("later", "/later", "later ok"));
        await().atMost(Duration.ofSeconds(5)).until(() -> "later ok".equals(hb.bodyOrNull("/later")));
        assertEarlierRoutesServe();
    }
}
