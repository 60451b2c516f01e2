package io.healthbridge.reload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the routes folder (sub-folders included) by scanning it on an interval and hands every added, changed or
 * deleted route file to the {@link RouteFileLoader}.
 * <p>
 * Scanning instead of the JDK WatchService: a Kubernetes ConfigMap mount replaces files by swapping a symlink, which
 * inotify-based watchers miss or see as a storm of events, and WatchService is not recursive. A file is applied once
 * its size and modification time have been stable for one scan, so a half-written file is never loaded. Deletions are
 * applied before additions, so a rename that keeps the route ids is not refused as a duplicate.
 */
public class RouteFileWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileWatcher.class);

    private final RouteFileLoader loader;
    private final Map<String, Stamp> applied = new HashMap<>();
    private final Map<String, Stamp> pending = new HashMap<>();
    private ScheduledExecutorService executor;

    private record Stamp(long modified, long size) {
    }

    public RouteFileWatcher(RouteFileLoader loader) {
        this.loader = loader;
    }

    /** Loads every route file now, in path order. */
    public synchronized void loadAll() {
        Map<String, Stamp> now = scan();
        for (Map.Entry<String, Stamp> e : now.entrySet()) {
            load(e.getKey(), e.getValue());
        }
    }

    public synchronized void start(ScheduledExecutorService executor, long intervalMillis) {
        this.executor = executor;
        executor.scheduleWithFixedDelay(this::pollSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        LOG.info("Watching {} for route file changes every {} ms", loader.getRoot(), intervalMillis);
    }

    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.error("Route folder scan failed: {}", e.getMessage(), e);
        }
    }

    /** One scan: deletions first, then files whose stamp was already seen unchanged in the previous scan. */
    public synchronized void poll() {
        Map<String, Stamp> now = scan();
        for (String gone : new HashSet<>(applied.keySet())) {
            if (!now.containsKey(gone)) {
                applied.remove(gone);
                pending.remove(gone);
                loader.remove(gone);
            }
        }
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Stamp> e : now.entrySet()) {
            String file = e.getKey();
            Stamp stamp = e.getValue();
            seen.add(file);
            if (stamp.equals(applied.get(file))) {
                pending.remove(file);
                continue;
            }
            if (stamp.equals(pending.get(file))) {
                pending.remove(file);
                load(file, stamp);
            } else {
                pending.put(file, stamp);
            }
        }
        pending.keySet().retainAll(seen);
    }

    private void load(String file, Stamp stamp) {
        Path path = loader.getRoot().resolve(file);
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8);
            applied.put(file, stamp);
            loader.apply(file, content);
        } catch (IOException e) {
            LOG.warn("Route file {} could not be read: {}", file, e.getMessage());
        }
    }

    private Map<String, Stamp> scan() {
        Map<String, Stamp> found = new TreeMap<>();
        Path root = loader.getRoot();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> !p.equals(root))
                    .filter(p -> !hiddenSegment(root.relativize(p)))
                    .filter(Files::isRegularFile)
                    .filter(RouteFileWatcher::isRouteFile)
                    .forEach(p -> {
                        try {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            found.put(root.relativize(p).toString().replace('\\', '/'),
                                    new Stamp(a.lastModifiedTime().toMillis(), a.size()));
                        } catch (IOException e) {
                            // vanished between listing and reading: the next scan sees it as deleted
                        }
                    });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Route folder {} could not be scanned: {}", root, e.getMessage());
            return new TreeMap<>(applied);
        }
        return found;
    }

    /** Skips dot-folders such as Kubernetes' ..data and editor folders. */
    private static boolean hiddenSegment(Path relative) {
        for (Path segment : relative) {
            if (segment.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** True for the files this loader takes: YAML DSL and Java DSL, not hidden or editor temporary files. */
    public static boolean isRouteFile(Path file) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || name.endsWith("~")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".java");
    }
}
