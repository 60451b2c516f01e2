package io.healthbridge;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A default heap bound for {@code java -jar healthbridge.jar}. A JVM started without one takes a quarter of the
 * machine's memory as its heap and grows into it (a newcomer's runtime reached 878 MB resident on the demo), and a jar
 * cannot name JVM options of its own. So a JVM started from the jar with no heap option runs the runtime in a child
 * JVM with {@code -Xmx} {@value #DEFAULT} (or {@code HEALTHBRIDGE_MAX_HEAP}) and {@code MALLOC_ARENA_MAX=2}, and only
 * waits for it:
 * <ul>
 * <li>any heap option given ({@code -Xmx}, {@code -XX:MaxHeapSize}, {@code -XX:MaxRAMPercentage}, ... on the command
 * line or in {@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS}) or {@code HEALTHBRIDGE_MAX_HEAP=none}: no child;</li>
 * <li>SIGTERM or Ctrl-C to the launcher stops the child gracefully and the launcher exits with the child's code;</li>
 * <li>a launcher killed outright (SIGKILL) takes the child with it within {@value #WATCH_MS} ms: the child sees its
 * parent change and halts, as if it had been killed itself.</li>
 * </ul>
 */
final class HeapBound {

    static final String DEFAULT = "224m";
    /** Set on the child: the launcher's process id. */
    static final String PARENT = "healthbridge.launcher-pid";
    static final long WATCH_MS = 200;
    static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";
    private static final List<String> HEAP_OPTIONS = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAM=",
            "-XX:MaxRAMPercentage=", "-XX:MaxRAMFraction=");

    private HeapBound() {
    }

    /**
     * The child's command when this JVM should hand the runtime to a bounded one, else empty.
     *
     * @param jvmArgs this JVM's options; {@code command} {@code sun.java.command}; {@code java} the java binary
     */
    static Optional<List<String>> childCommand(List<String> jvmArgs, String command, Optional<String> java,
            Map<String, String> env, String[] args, long pid) {
        String bound = env.getOrDefault("HEALTHBRIDGE_MAX_HEAP", DEFAULT).trim();
        if (!bound.equalsIgnoreCase("none") && !bound.matches("[0-9]+[kKmMgG]?")) {
            throw new IllegalArgumentException("HEALTHBRIDGE_MAX_HEAP must be a size such as 224m or 1g, or none: "
                    + bound);
        }
        String jar = command == null ? "" : command.split(" ", 2)[0];
        if (bound.isEmpty() || bound.equalsIgnoreCase("none") || !jar.endsWith(".jar") || java.isEmpty()
                || jvmArgs.stream().anyMatch(a -> a.startsWith("-D" + PARENT + "=") || a.startsWith("-agentlib:jdwp")
                        || HEAP_OPTIONS.stream().anyMatch(a::startsWith))
                || mentionsHeap(env.get("JAVA_TOOL_OPTIONS")) || mentionsHeap(env.get("JDK_JAVA_OPTIONS"))) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.get());
        cmd.addAll(jvmArgs);
        cmd.add("-Xmx" + bound);
        cmd.add("-D" + PARENT + "=" + pid);
        cmd.add("-jar");
        cmd.add(Path.of(jar).toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return Optional.of(cmd);
    }

    /**
     * What the child's environment adds to the launcher's. glibc gives a process up to eight malloc arenas per CPU and
     * keeps what they freed: the runtime's threads (Vert.x, Camel, H2, the HttpClient) spread native allocations over
     * them, about 75 MB resident under the benchmark's load that two arenas do not hold. A value of the user's wins.
     */
    static Map<String, String> childEnvironment(Map<String, String> env) {
        return env.containsKey(MALLOC_ARENA_MAX) ? Map.of() : Map.of(MALLOC_ARENA_MAX, "2");
    }

    private static boolean mentionsHeap(String options) {
        return options != null && HEAP_OPTIONS.stream().anyMatch(options::contains);
    }

    /** Runs the runtime in a bounded child JVM if it should; answers the child's exit code, or -1 to run here. */
    static int launchIfUnbounded(String[] args) throws Exception {
        Optional<List<String>> cmd = childCommand(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getProperty("sun.java.command"), ProcessHandle.current().info().command(), System.getenv(),
                args, ProcessHandle.current().pid());
        if (cmd.isEmpty()) {
            return -1;
        }
        List<String> command = new ArrayList<>(cmd.get());
        int jar = command.indexOf("-jar");
        String vm = System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
        String bound = command.stream().filter(a -> a.startsWith("-Xmx")).findFirst().orElse("");
        Optional<ClassArchive.Plan> archive = ClassArchive.plan(Path.of(command.get(jar + 1)), vm, bound,
                System.getenv(), System.getProperty("user.home"), ProcessHandle.current().pid());
        archive.ifPresent(plan -> command.addAll(jar, plan.options()));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().putAll(childEnvironment(System.getenv()));
        Process child = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: the child stops gracefully
                try {
                    if (!child.waitFor(60, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    } else {
                        // the JVM halts when this hook ends, maybe before the main thread settles the archive
                        archive.ifPresent(plan -> ClassArchive.settle(plan, child.exitValue()));
                    }
                } catch (InterruptedException e) {
                    child.destroyForcibly();
                }
            }
        }, "healthbridge-launcher-stop"));
        int code = child.waitFor();
        archive.ifPresent(plan -> ClassArchive.settle(plan, code));
        return code;
    }

    /** In the child: halts when the launcher is gone (killed outright), so no runtime is left without its parent. */
    static void watchLauncher() {
        String parent = System.getProperty(PARENT);
        if (parent == null) {
            return;
        }
        long launcher = Long.parseLong(parent);
        Thread watch = new Thread(() -> {
            while (true) {
                if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != launcher) {
                    Runtime.getRuntime().halt(137);
                }
                try {
                    Thread.sleep(WATCH_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "healthbridge-launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
