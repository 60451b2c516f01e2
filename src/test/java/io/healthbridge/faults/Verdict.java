package io.healthbridge.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The fault suite's one-line verdicts: {@code FAULT <name>: PASS|FAIL <figures>}, printed and appended to
 * {@code target/fault-verdicts.txt} (bench/faults prints that file at the end). A test records its figures with
 * {@link #figures}; this extension writes PASS with them, or FAIL with the assertion that broke.
 *
 * <p>Sizes come from {@code -Dhealthbridge.faults=full} (bench/faults: 10,000 events, a one-minute outage, ...);
 * the default is the quick size the test suite runs in seconds.
 */
public final class Verdict implements TestWatcher {

    private static final ThreadLocal<String> FIGURES = new ThreadLocal<>();

    public static boolean full() {
        return "full".equals(System.getProperty("healthbridge.faults"));
    }

    /** {@code quick} normally, {@code full} under bench/faults. */
    public static int size(int quick, int full) {
        return full() ? full : quick;
    }

    public static void figures(String format, Object... args) {
        FIGURES.set(String.format(format, args));
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        write(context, "PASS " + Optional.ofNullable(FIGURES.get()).orElse(""));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String message = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
        write(context, "FAIL " + (message.length() > 300 ? message.substring(0, 300) + "..." : message)
                       + Optional.ofNullable(FIGURES.get()).map(f -> " (" + f + ")").orElse(""));
    }

    private static void write(ExtensionContext context, String verdict) {
        FIGURES.remove();
        String line = "FAULT " + context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                      + (full() ? " [full]" : " [quick]") + ": " + verdict;
        System.out.println(line);
        try {
            Path out = Path.of("target", "fault-verdicts.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the printed line is the verdict
        }
    }
}
