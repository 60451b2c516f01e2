package io.healthbridge;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When {@code java -jar} hands the runtime to a child JVM with a heap bound, and with which command. */
class HeapBoundTest {

    static final Optional<String> JAVA = Optional.of("/opt/java/bin/java");
    static final String[] ARGS = {"--routes", "my-routes"};

    static Optional<List<String>> child(List<String> jvmArgs, String command, Map<String, String> env) {
        return HeapBound.childCommand(jvmArgs, command, JAVA, env, ARGS, 4242);
    }

    @Test
    void aJarStartedWithoutAHeapOptionRunsInABoundedChild() {
        List<String> cmd = child(List.of("-Dfoo=bar"), "target/healthbridge.jar --routes my-routes", Map.of()).orElseThrow();
        assertThat(cmd.get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(cmd).containsSubsequence("-Dfoo=bar", "-Xmx224m", "-D" + HeapBound.PARENT + "=4242", "-jar");
        assertThat(cmd.get(cmd.size() - 3)).endsWith("/target/healthbridge.jar").startsWith("/");
        assertThat(cmd.subList(cmd.size() - 2, cmd.size())).containsExactly(ARGS);
    }

    @Test
    void theChildGetsTwoMallocArenasUnlessTheUserChoseANumber() {
        assertThat(HeapBound.childEnvironment(Map.of("PATH", "/bin"))).containsExactly(Map.entry("MALLOC_ARENA_MAX", "2"));
        assertThat(HeapBound.childEnvironment(Map.of("MALLOC_ARENA_MAX", "8"))).isEmpty();
    }

    @Test
    void theBoundIsConfigurable() {
        assertThat(child(List.of(), "healthbridge.jar", Map.of("HEALTHBRIDGE_MAX_HEAP", "1g")).orElseThrow())
                .contains("-Xmx1g").doesNotContain("-Xmx224m");
        assertThat(child(List.of(), "healthbridge.jar", Map.of("HEALTHBRIDGE_MAX_HEAP", "none"))).isEmpty();
        assertThatThrownBy(() -> child(List.of(), "healthbridge.jar", Map.of("HEALTHBRIDGE_MAX_HEAP", "-Xmx1g; rm")))
                .hasMessageContaining("HEALTHBRIDGE_MAX_HEAP");
    }

    @Test
    void anyHeapOptionOfTheUsersOwnWins() {
        for (String option : List.of("-Xmx512m", "-XX:MaxHeapSize=536870912", "-XX:MaxRAMPercentage=75",
                "-XX:MaxRAM=2g", "-XX:MaxRAMFraction=2")) {
            assertThat(child(List.of(option), "healthbridge.jar", Map.of())).as(option).isEmpty();
        }
        assertThat(child(List.of(), "healthbridge.jar", Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50"))).isEmpty();
        assertThat(child(List.of(), "healthbridge.jar", Map.of("JDK_JAVA_OPTIONS", "-Xmx300m"))).isEmpty();
    }

    @Test
    void neverTwiceNorFromAClassPathNorUnderADebugger() {
        assertThat(child(List.of("-D" + HeapBound.PARENT + "=1"), "healthbridge.jar", Map.of())).as("the child").isEmpty();
        assertThat(child(List.of(), "io.healthbridge.HealthbridgeApplication --routes r", Map.of())).isEmpty();
        assertThat(child(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005"), "healthbridge.jar",
                Map.of())).isEmpty();
    }
}
