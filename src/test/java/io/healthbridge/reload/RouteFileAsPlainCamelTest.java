package io.healthbridge.reload;

import java.nio.file.Path;
import java.time.Duration;

import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.ConsumerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route files that plain camel-main runs as they are: a first quartz user, id-less files of one name, a bad URI. */
class RouteFileAsPlainCamelTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static String status(String file) {
        RouteFileStatus s = hb.runtime().routeFileLoader().statusOf(file);
        return s == null ? "none" : s.ok() ? "ok" : "rejected";
    }

    @Test
    void aQuartzRouteFileLoadsAndFiresAndQuartzKeepsWorking() throws Exception {
        hb.writeRoute("quartz-probe.camel.yaml", """
                - route:
                    id: quartz-probe-1
                    from:
                      uri: quartz:probe/q1?cron=0/1+*+*+*+*+?
                      steps:
                        - setBody:
                            constant: q1
                        - to: seda:quartz-probe
                """);
        ConsumerTemplate consumer = hb.runtime().context().createConsumerTemplate();
        await().atMost(Duration.ofSeconds(10)).until(() -> "q1".equals(consumer.receiveBody("seda:quartz-probe", 500)));
        hb.writeRoute("quartz-probe-2.camel.yaml", """
                - route:
                    id: quartz-probe-2
                    from:
                      uri: quartz:probe/q2?cron=0/1+*+*+*+*+?
                      steps:
                        - setBody:
                            constant: q2
                        - to: seda:quartz-probe-2
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> "q2".equals(consumer.receiveBody("seda:quartz-probe-2", 500)));
    }

    @Test
    void idLessFilesOfOneNameInTwoFoldersBothLoad() throws Exception {
        for (String folder : new String[] {"team-a", "team-b"}) {
            hb.writeRoute(folder + "/my-yaml-route.camel.yaml", """
                    - from:
                        uri: platform-http:/same-name-%s
                        steps:
                          - setBody:
                              constant: %s
                    """.formatted(folder, folder));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> "team-a".equals(hb.bodyOrNull("/same-name-team-a"))
                && "team-b".equals(hb.bodyOrNull("/same-name-team-b")));
        assertThat(hb.runtime().routeFileLoader().fileOf("team-a-my-yaml-route")).isEqualTo("team-a/my-yaml-route.camel.yaml");
        assertThat(hb.runtime().routeFileLoader().fileOf("team-b-my-yaml-route")).isEqualTo("team-b/my-yaml-route.camel.yaml");
    }

    @Test
    void theStoresDataSourceIsNotARouteFilesToTake() throws Exception {
        hb.writeRoute("sql-probe.camel.yaml", """
                - route:
                    id: sql-probe
                    from:
                      uri: timer:sql-probe?repeatCount=1
                      steps:
                        - to: sql:CREATE TABLE probe_users (id INT)
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> !"none".equals(status("sql-probe.camel.yaml")));
        var ds = hb.runtime().context().getRegistry().lookupByNameAndType("database",
                io.healthbridge.store.Database.class).dataSource();
        // the timer fires at once: its statement never reaches the runtime's own store
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            try (var c = ds.getConnection(); var rs = c.getMetaData().getTables(null, null, "PROBE_USERS", null)) {
                assertThat(rs.next()).as("a table made in the runtime's own store").isFalse();
            }
        });
        assertThat(hb.runtime().context().getRegistry().findByType(javax.sql.DataSource.class)).isEmpty();
    }

    @Test
    void aMissingClassIsSaidToBeOne() throws Exception {
        hb.writeRoute("missing-class.camel.yaml", """
                - beans:
                    - name: missingThing
                      type: com.example.NoSuchThing
                - route:
                    id: missing-class
                    from:
                      uri: platform-http:/missing-class
                      steps:
                        - bean:
                            ref: missingThing
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> "rejected".equals(status("missing-class.camel.yaml")));
        assertThat(hb.runtime().routeFileLoader().statusOf("missing-class.camel.yaml").reason())
                .contains("class not found: com.example.NoSuchThing");
    }

    @Test
    void anUnknownComponentIsNamedWithoutItsOptions() throws Exception {
        hb.writeRoute("unknown-component.camel.yaml", """
                - route:
                    id: unknown-component
                    from:
                      uri: platform-http:/unknown-component
                      steps:
                        - to: openai?baseUrl=http://127.0.0.1:9/v1
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> "rejected".equals(status("unknown-component.camel.yaml")));
        assertThat(hb.runtime().routeFileLoader().statusOf("unknown-component.camel.yaml").reason())
                .contains("unknown component 'openai'").doesNotContain("baseUrl");
    }

    @Test
    void aRestDslFileListsEachRouteOnce() throws Exception {
        hb.writeRoute("rest-probe.camel.yaml", """
                - rest:
                    path: /rest-probe
                    get:
                      - path: /a
                        id: rest-probe-a
                        to: direct:rest-probe
                      - path: /b
                        id: rest-probe-b
                        to: direct:rest-probe-b
                - route:
                    id: rest-probe-impl
                    from:
                      uri: direct:rest-probe
                      steps:
                        - setBody:
                            constant: rest-ok
                - route:
                    id: rest-probe-impl-b
                    from:
                      uri: direct:rest-probe-b
                      steps:
                        - setBody:
                            constant: rest-ok-b
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> "rest-ok".equals(hb.bodyOrNull("/rest-probe/a")));
        assertThat(hb.bodyOrNull("/rest-probe/b")).isEqualTo("rest-ok-b");
        java.util.List<String> ids = hb.runtime().routeFileLoader().statusOf("rest-probe.camel.yaml").routeIds();
        assertThat(ids).as("each once").isNotEmpty().doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(hb.runtime().context().getRoute(id)).isNotNull());
    }

    static String helper(String greeting) {
        return """
                public class Helper {
                    public static String hi() {
                        return "%s";
                    }
                }
                """.formatted(greeting);
    }

    @Test
    void javaFilesOfOneFolderAreCompiledTogether() throws Exception {
        // the user first, its helper a moment later: the user is tried again once the helper is there
        hb.writeRoute("java-set/UsesHelper.java", """
                import org.apache.camel.builder.RouteBuilder;

                public class UsesHelper extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("platform-http:/uses-helper").routeId("uses-helper")
                                .process(e -> e.getMessage().setBody(Helper.hi()));
                    }
                }
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> !"none".equals(status("java-set/UsesHelper.java")));
        hb.writeRoute("java-set/Helper.java", helper("hi from helper"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "hi from helper".equals(hb.bodyOrNull("/uses-helper")));
        assertThat(status("java-set/UsesHelper.java")).isEqualTo("ok");
        assertThat(status("java-set/Helper.java")).isEqualTo("ok");
        assertThat(hb.runtime().routeFileLoader().statusOf("java-set/Helper.java").defines()).containsExactly("class Helper");

        hb.writeRoute("java-set/Helper.java", helper("hi v2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "hi v2".equals(hb.bodyOrNull("/uses-helper")));
    }
}
