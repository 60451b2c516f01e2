package io.healthbridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.healthbridge.config.ApiKeyCommand;
import org.slf4j.LoggerFactory;

/** Starts Healthbridge: {@code java -jar healthbridge.jar [--config FILE] [--routes DIR]}. */
public final class HealthbridgeApplication {

    /** The common pool's parallelism, a JVM-wide setting read once, when the pool is first used. */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** The largest temporary direct buffer a thread keeps for I/O from heap buffers, read once by the JDK. */
    static final String NIO_CACHED_BUFFER = "jdk.nio.maxCachedBufferSize";
    static final String NIO_CACHED_BUFFER_DEFAULT = String.valueOf(256 * 1024);

    static {
        // On one or two CPUs the common pool gets a parallelism of 1, and CompletableFuture then starts a new thread for
        // every async task given no executor. The JDK HttpClient hands every response of sendAsync to such a task: one
        // thread started and ended per webhook sent or provider call made. With two, the
        // common pool runs them. Set before any class reads it; an explicit -D setting wins.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        // A channel write from a heap buffer goes through a direct buffer of its size, which the JDK keeps per thread,
        // unbounded by default. The store writes each commit's chunk so, from whichever thread commits: about 35 MB
        // of native memory held under load (NMT "Other"). Larger writes get a buffer of their own, freed after them.
        if (System.getProperty(NIO_CACHED_BUFFER) == null) {
            System.setProperty(NIO_CACHED_BUFFER, NIO_CACHED_BUFFER_DEFAULT);
        }
    }

    private HealthbridgeApplication() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        if (args.length > 0 && args[0].equals("create-api-key")) {
            String cfg = env.get("HEALTHBRIDGE_CONFIG");
            for (int i = 1; i < args.length - 1; i++) {
                if (args[i].equals("--config") || args[i].equals("-c")) {
                    cfg = args[i + 1];
                }
            }
            Path cfgPath = cfg != null ? Path.of(cfg)
                    : Files.isReadable(Path.of("application.properties")) ? Path.of("application.properties") : null;
            System.exit(ApiKeyCommand.run(args, cfgPath));
        }
        String config = env.getOrDefault("HEALTHBRIDGE_CONFIG", null);
        String routes = env.getOrDefault("HEALTHBRIDGE_ROUTES_DIR", null);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--config", "-c" -> config = value(args, ++i, arg);
                case "--routes", "-r" -> routes = value(args, ++i, arg);
                case "--help", "-h" -> {
                    System.out.println(usage());
                    return;
                }
                default -> {
                    if (arg.startsWith("--config=")) {
                        config = arg.substring("--config=".length());
                    } else if (arg.startsWith("--routes=")) {
                        routes = arg.substring("--routes=".length());
                    } else {
                        fail("unknown option " + arg);
                    }
                }
            }
        }
        Path configPath = null;
        if (config != null) {
            configPath = Path.of(config);
            if (!Files.isReadable(configPath)) {
                fail("configuration file " + configPath.toAbsolutePath() + " does not exist or is not readable");
            }
        } else if (Files.isReadable(Path.of("application.properties"))) {
            configPath = Path.of("application.properties");
        }
        int child;
        try {
            child = HeapBound.launchIfUnbounded(args);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        if (child >= 0) {
            System.exit(child);
        }
        HeapBound.watchLauncher();
        if (System.getProperty(HeapBound.PARENT) != null) {
            LoggerFactory.getLogger(HealthbridgeApplication.class).info(
                    "Heap bound {} MB by default (HEALTHBRIDGE_MAX_HEAP, or a -Xmx of your own, changes it)",
                    Runtime.getRuntime().maxMemory() >> 20);
            String archive = System.getProperty(ClassArchive.STATE);
            if (archive != null) {
                LoggerFactory.getLogger(HealthbridgeApplication.class).info(archive.equals("used")
                        ? "Classes mapped from the jar's class archive (HEALTHBRIDGE_CLASS_ARCHIVE=none turns it off)"
                        : "No class archive of this jar yet: one is written when this run stops, for faster starts"
                                + " (HEALTHBRIDGE_CLASS_ARCHIVE=none turns it off)");
            }
        }
        HealthbridgeRuntime runtime = new HealthbridgeRuntime(configPath, routes == null ? null : Path.of(routes), null);
        try {
            runtime.run();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HealthbridgeRuntime.InvalidConfiguration bad) {
                    // the operator's mistake, not the program's: one line that names the key, no stack trace
                    System.err.println("healthbridge: invalid configuration: " + bad.getMessage());
                    System.exit(2);
                }
            }
            throw e;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            fail(option + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("healthbridge: " + message);
        System.err.println(usage());
        System.exit(2);
    }

    private static String usage() {
        return """
                usage: java -jar healthbridge.jar [--config FILE] [--routes DIR]
                       java -jar healthbridge.jar create-api-key --name NAME --scopes read|admin [--config FILE]
                  --config FILE  properties file (default ./application.properties; env HEALTHBRIDGE_CONFIG)
                  --routes DIR   route files folder (default ./routes; env HEALTHBRIDGE_ROUTES_DIR)
                Every healthbridge.* and camel.* key can be overridden by an environment variable:
                upper case, dots and dashes as underscores (healthbridge.routes.dir -> HEALTHBRIDGE_ROUTES_DIR).""";
    }
}
