package io.healthbridge.reload;

import java.nio.file.Path;
import java.time.Duration;

import io.healthbridge.support.RunningHealthbridge;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Everything a route file defines belongs to it: route configurations, beans, route templates and the routes its
 * Kamelets make are replaced and removed with the file, and a file holding only such definitions loads.
 */
class RouteFileOwnershipTest {

    @TempDir
    static Path work;
    static RunningHealthbridge hb;
    static ProducerTemplate producer;

    @BeforeAll
    static void start() throws Exception {
        hb = RunningHealthbridge.start(work);
        producer = hb.runtime().context().createProducerTemplate();
    }

    @AfterAll
    static void stop() {
        hb.close();
    }

    static RouteFileStatus status(String file) {
        return hb.runtime().routeFileLoader().statusOf(file);
    }

    static void awaitOk(String file) {
        await().atMost(Duration.ofSeconds(10)).until(() -> status(file) != null && status(file).ok());
    }

    static Object call(String uri) {
        return producer.requestBody(uri, "in");
    }

    static final String THROWING_ROUTE = """
            - route:
                id: cfg-user
                routeConfigurationId: probeConfig
                from:
                  uri: direct:cfg-user
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: boom
            """;

    static String config(String answer) {
        return """
                - routeConfiguration:
                    id: probeConfig
                    onException:
                      - onException:
                          exception:
                            - java.lang.IllegalStateException
                          handled:
                            constant: true
                          steps:
                            - setBody:
                                constant: %s
                """.formatted(answer);
    }

    @Test
    void aRouteConfigurationInTheSameFileHandlesTheRoutesFailure() throws Exception {
        hb.writeRoute("cfg-same.camel.yaml", config("handled-same").replace("probeConfig", "sameConfig")
                                             + THROWING_ROUTE.replace("probeConfig", "sameConfig")
                                                     .replace("cfg-user", "cfg-same"));
        awaitOk("cfg-same.camel.yaml");
        assertThat(call("direct:cfg-same")).isEqualTo("handled-same");
    }

    @Test
    void aConfigurationOnlyFileLoadsAndItsEditsAndDeletionReachTheRoutesThatUseIt() throws Exception {
        hb.writeRoute("cfg-only.camel.yaml", config("handled-v1"));
        awaitOk("cfg-only.camel.yaml");
        assertThat(status("cfg-only.camel.yaml").defines()).containsExactly("configuration probeConfig");
        hb.writeRoute("cfg-user.camel.yaml", THROWING_ROUTE);
        awaitOk("cfg-user.camel.yaml");
        assertThat(call("direct:cfg-user")).isEqualTo("handled-v1");

        hb.writeRoute("cfg-only.camel.yaml", config("handled-v2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "handled-v2".equals(call("direct:cfg-user")));

        hb.deleteRoute("cfg-only.camel.yaml");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> call("direct:cfg-user"))
                .isInstanceOf(CamelExecutionException.class).hasRootCauseMessage("boom"));
        assertThat(status("cfg-user.camel.yaml").ok()).isTrue();
    }

    @Test
    void aBeanOnlyFileLoadsAndItsBeanGoesWithIt() throws Exception {
        hb.writeRoute("bean-only.camel.yaml", """
                - beans:
                    - name: probeSeq
                      type: java.util.concurrent.atomic.AtomicLong
                      constructors:
                        0: 100
                """);
        awaitOk("bean-only.camel.yaml");
        assertThat(status("bean-only.camel.yaml").defines()).containsExactly("bean probeSeq");
        hb.writeRoute("bean-user.camel.yaml", """
                - route:
                    id: bean-user
                    from:
                      uri: direct:bean-user
                      steps:
                        - bean:
                            ref: probeSeq
                            method: incrementAndGet
                """);
        awaitOk("bean-user.camel.yaml");
        assertThat(call("direct:bean-user")).isEqualTo(101L);

        // another file may not take the name over; the first file's bean stays
        hb.writeRoute("bean-thief.camel.yaml", """
                - beans:
                    - name: probeSeq
                      type: java.util.concurrent.atomic.AtomicLong
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("bean-thief.camel.yaml") != null);
        assertThat(status("bean-thief.camel.yaml").ok()).isFalse();
        assertThat(status("bean-thief.camel.yaml").reason()).contains("probeSeq").contains("bean-only.camel.yaml");
        assertThat(call("direct:bean-user")).isEqualTo(102L);
        hb.deleteRoute("bean-thief.camel.yaml"); // else it takes the name once the first file is gone
        await().atMost(Duration.ofSeconds(10)).until(() -> status("bean-thief.camel.yaml") == null);

        hb.deleteRoute("bean-only.camel.yaml");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                hb.runtime().context().getRegistry().lookupByName("probeSeq") == null);
        // the file whose route used it is applied again and cannot start without it, as in plain Camel
        await().atMost(Duration.ofSeconds(10)).until(() -> !status("bean-user.camel.yaml").ok());
        assertThat(status("bean-user.camel.yaml").reason()).contains("No bean could be found").contains("probeSeq");
        assertThat(status("bean-user.camel.yaml").routeIds()).isEmpty();
        assertThatThrownBy(() -> call("direct:bean-user?block=false")).isInstanceOf(CamelExecutionException.class);
    }

    @Test
    void aRejectedFilesBeansAreNotBound() throws Exception {
        hb.writeRoute("bean-broken.camel.yaml", """
                - beans:
                    - name: brokenFilesBean
                      type: java.lang.StringBuilder
                - route:
                    id: bean-broken
                    from:
                      uri: nosuchcomponent:x
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("bean-broken.camel.yaml") != null);
        assertThat(status("bean-broken.camel.yaml").ok()).isFalse();
        assertThat(hb.runtime().context().getRegistry().lookupByName("brokenFilesBean")).isNull();
    }

    static String template(String greeting) {
        return """
                - routeTemplate:
                    id: greeter
                    parameters:
                      - name: name
                    from:
                      uri: direct:{{name}}
                      steps:
                        - setBody:
                            simple: "%s {{name}}"
                """.formatted(greeting);
    }

    @Test
    void aTemplateOnlyFileLoadsAndAnEditReachesTheRoutesMadeFromIt() throws Exception {
        hb.writeRoute("tpl-only.camel.yaml", template("v1"));
        awaitOk("tpl-only.camel.yaml");
        assertThat(status("tpl-only.camel.yaml").defines()).containsExactly("template greeter");
        hb.writeRoute("tpl-user.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: greeter
                    routeId: greet-ann
                    parameters:
                      - name: name
                        value: ann
                """);
        awaitOk("tpl-user.camel.yaml");
        assertThat(call("direct:ann")).isEqualTo("v1 ann");

        hb.writeRoute("tpl-only.camel.yaml", template("v2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "v2 ann".equals(call("direct:ann")));
        assertThat(hb.runtime().context().getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class)
                .getRouteTemplateDefinitions().stream().filter(t -> t.getId().equals("greeter")).count()).isEqualTo(1);

        // a second file may not define the same template: it would shadow or be shadowed
        hb.writeRoute("tpl-again.camel.yaml", template("v3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("tpl-again.camel.yaml") != null);
        assertThat(status("tpl-again.camel.yaml").ok()).isFalse();
        assertThat(call("direct:ann")).isEqualTo("v2 ann");
    }

    static final String KAMELET_FILE = """
            - routeTemplate:
                id: tick-source
                parameters:
                  - name: period
                    defaultValue: "5"
                from:
                  uri: timer:tick-source?period={{period}}
                  steps:
                    - setBody:
                        constant: tick
                    - to: kamelet:sink
            - route:
                id: kamelet-user
                from:
                  uri: kamelet:tick-source
                  steps:
                    - to: seda:kamelet-ticks
            """;

    /**
     * The Kamelet's route ticks every 5 ms into the route that uses it. Taking the user's route down first left the
     * next tick waiting for a consumer and the Kamelet route's stop waiting for it, for the 10 s shutdown timeout.
     */
    @Test
    void theRoutesAKameletMakesBelongToItsFileAndGoWithIt() throws Exception {
        RouteFileLoader loader = hb.runtime().routeFileLoader();
        int builtIn = loader.builtInRouteIds().size();
        String kameletFile = KAMELET_FILE.replace("defaultValue: \"100\"", "defaultValue: \"5\"");
        hb.writeRoute("kamelet-probe.camel.yaml", kameletFile);
        awaitOk("kamelet-probe.camel.yaml");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "tick".equals(hb.runtime().context().createConsumerTemplate().receiveBody("seda:kamelet-ticks", 500)));
        assertThat(status("kamelet-probe.camel.yaml").routeIds()).hasSizeGreaterThan(1).contains("kamelet-user");
        assertThat(loader.builtInRouteIds()).as("no route of the file shows as built in").hasSize(builtIn);

        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            hb.deleteRoute("kamelet-probe.camel.yaml");
            await().atMost(Duration.ofSeconds(20)).until(() -> status("kamelet-probe.camel.yaml") == null);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no stop waited out the shutdown timeout")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(hb.runtime().context().getRoutes()).noneMatch(r -> r.getRouteId().startsWith("tick-source")
                    || r.getRouteId().equals("kamelet-user"));
            assertThat(loader.builtInRouteIds()).hasSize(builtIn);
            hb.writeRoute("kamelet-probe.camel.yaml", kameletFile);
            awaitOk("kamelet-probe.camel.yaml");
            hb.runtime().context().createConsumerTemplate().receiveBodyNoWait("seda:kamelet-ticks");
            await().atMost(Duration.ofSeconds(10)).until(() -> "tick".equals(
                    hb.runtime().context().createConsumerTemplate().receiveBody("seda:kamelet-ticks", 500)));
        }
        assertThat(hb.runtime().context().getRoutes().stream().filter(r -> r.getRouteId().startsWith("tick-source"))
                .count()).as("one Kamelet route, no orphans").isEqualTo(1);
    }

    @Test
    void aCatalogKameletRunsInARouteFileAndItsRoutesGoWithTheFile() throws Exception {
        hb.writeRoute("catalog-kamelet.camel.yaml", """
                - route:
                    id: catalog-user
                    from:
                      uri: kamelet:timer-source
                      parameters:
                        period: 200
                        message: from the catalog
                      steps:
                        - to: seda:catalog-ticks
                """);
        awaitOk("catalog-kamelet.camel.yaml");
        await().atMost(Duration.ofSeconds(10)).until(() -> "from the catalog".equals(
                hb.runtime().context().createConsumerTemplate().receiveBody("seda:catalog-ticks", 500)));
        java.util.List<String> ids = status("catalog-kamelet.camel.yaml").routeIds();
        assertThat(ids).contains("catalog-user").anyMatch(id -> id.startsWith("timer-source"));
        hb.deleteRoute("catalog-kamelet.camel.yaml");
        await().atMost(Duration.ofSeconds(10)).until(() -> status("catalog-kamelet.camel.yaml") == null);
        assertThat(hb.runtime().context().getRoutes()).noneMatch(r -> ids.contains(r.getRouteId()));
    }

    @Test
    void aRejectedFileLeavesNoKameletRouteRunning() throws Exception {
        hb.writeRoute("kamelet-rejected.camel.yaml", KAMELET_FILE.replace("tick-source", "tick-rejected")
                .replace("kamelet-user", "kamelet-rejected-user").replace("seda:kamelet-ticks", "seda:kamelet-rejected")
                + """
                - route:
                    id: kamelet-rejected-breaks
                    from:
                      uri: direct:kamelet-rejected-breaks
                      steps:
                        - bean:
                            ref: noSuchBeanAnywhere
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("kamelet-rejected.camel.yaml") != null);
        assertThat(status("kamelet-rejected.camel.yaml").ok()).isFalse();
        assertThat(status("kamelet-rejected.camel.yaml").reason()).contains("noSuchBeanAnywhere");
        assertThat(hb.runtime().context().getRoutes()).noneMatch(r -> r.getRouteId().startsWith("tick-rejected")
                || r.getRouteId().startsWith("kamelet-rejected"));
    }

    @Test
    void aFileRefusedForAnotherFilesRouteIdLoadsOnceThatFileIsGone() throws Exception {
        String route = """
                - route:
                    id: dup-held
                    from:
                      uri: direct:dup-held-%s
                      steps:
                        - setBody:
                            constant: %s
                """;
        hb.writeRoute("dup-first.camel.yaml", route.formatted("first", "first"));
        awaitOk("dup-first.camel.yaml");
        hb.writeRoute("dup-second.camel.yaml", route.formatted("second", "second"));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("dup-second.camel.yaml") != null);
        assertThat(status("dup-second.camel.yaml").reason()).contains("already defined in dup-first.camel.yaml");

        hb.deleteRoute("dup-first.camel.yaml");
        awaitOk("dup-second.camel.yaml");
        assertThat(call("direct:dup-held-second")).isEqualTo("second");
    }
}
