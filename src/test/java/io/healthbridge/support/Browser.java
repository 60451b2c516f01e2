package io.healthbridge.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The browser test's set-up: Debian's Chromium (installed with apt-get when missing: CI machines start without it)
 * and playwright-core from the npm registry (only the driver; it never downloads a browser), in
 * {@code target/browser-e2e}.
 */
public final class Browser {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SOURCES = Path.of("src/test/browser");
    private static final Path WORK = Path.of("target/browser-e2e");

    private Browser() {
    }

    /** Installs what is missing and returns the folder holding the scripts and their node_modules. */
    public static synchronized Path prepare() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            run(Path.of("."), 900, "apt-get", "update", "-q");
            run(Path.of("."), 900, "apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium");
        }
        Files.createDirectories(WORK);
        for (String f : List.of("package.json", "package-lock.json", "dashboard.e2e.mjs")) {
            Files.copy(SOURCES.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            run(WORK, 600, "npm", "ci", "--no-audit", "--no-fund");
        }
        return WORK;
    }

    private static void run(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Path log = Files.createTempFile("browser-setup", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            String out = Files.readString(log);
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "); the "
                    + "browser test needs Debian's chromium (root for apt-get) and npm:\n"
                    + out.substring(Math.max(0, out.length() - 3000)));
        }
    }
}
