package io.healthbridge;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.healthbridge.event.EventJson;

/**
 * A class-data archive of the jar for the bounded child JVM ({@link HeapBound}), so that every start after the first
 * maps the classes it loads (Camel, Vert.x, H2, the routes' processors) instead of reading, parsing and verifying them
 * from the jar: a third of the start-up time. It is the JDK's dynamic archive (JEP 350): a start with no archive yet
 * writes one when the JVM exits normally ({@code -XX:ArchiveClassesAtExit}), and later starts use it
 * ({@code -XX:SharedArchiveFile}); an archive the JVM finds stale or unusable is ignored by the JVM.
 * <ul>
 * <li>Kept in the user's cache folder ({@code $XDG_CACHE_HOME/healthbridge} or {@code ~/.cache/healthbridge}), or in
 * {@code HEALTHBRIDGE_CLASS_ARCHIVE} (a folder); {@code none} turns it off. Only a folder and files the user owns and
 * nobody else may write are used: an archive is code the JVM runs.</li>
 * <li>One archive per jar (path, size, modification time), JVM (installation and build) and heap bound, named by
 * their digest; the archives of other builds of the same jar path are deleted when a new one is written.</li>
 * <li>Written under a name of its own and moved into place only after the JVM exited by itself, so a killed or
 * concurrent start never leaves half an archive where the next start would map it.</li>
 * </ul>
 */
final class ClassArchive {

    static final String ENV = "HEALTHBRIDGE_CLASS_ARCHIVE";
    /** Set on the child: {@code used} or {@code writing}, for its start-up log line. */
    static final String STATE = "healthbridge.class-archive";
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    /** The child's archive options, and where a new archive is written until {@link #settle} moves it into place. */
    record Plan(List<String> options, Path archive, Optional<Path> writing) {
    }

    private ClassArchive() {
    }

    /**
     * What the child JVM should do with the archive of {@code jar}, or empty when there is none to use or write.
     *
     * @param vm the JVM ({@code java.home} and {@code java.vm.version}: an archive extends its JDK's own), {@code bound}
     *        the child's heap bound, {@code pid} the launcher's
     */
    static Optional<Plan> plan(Path jar, String vm, String bound, Map<String, String> env, String home, long pid) {
        Optional<Path> dir = folder(env, home);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path folder = dir.get();
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            if (!ownOnly(folder)) {
                return Optional.empty();
            }
            Path real = jar.toAbsolutePath();
            String build = real + "\n" + Files.size(real) + "\n" + Files.getLastModifiedTime(real).toMillis() + "\n" + vm
                    + "\n" + bound;
            Path archive = folder.resolve(prefix(real) + EventJson.sha256(build).substring(0, 16) + ".jsa");
            List<String> quiet = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
            if (Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
                if (!ownOnly(archive)) {
                    return Optional.empty();
                }
                return Optional.of(new Plan(concat(quiet, "-XX:SharedArchiveFile=" + archive, "-D" + STATE + "=used"),
                        archive, Optional.empty()));
            }
            Path writing = folder.resolve(archive.getFileName() + "." + pid + ".tmp");
            return Optional.of(new Plan(concat(quiet, "-XX:ArchiveClassesAtExit=" + writing, "-D" + STATE + "=writing"),
                    archive, Optional.of(writing)));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // no archive: the runtime starts as it would without one
        }
    }

    /**
     * After the child exited: a new archive moves into place if the JVM exited by itself (a signal's graceful stop
     * included), else it is deleted. Archives of other builds of the same jar go.
     */
    static void settle(Plan plan, int exitCode) {
        if (plan.writing().isEmpty()) {
            return;
        }
        Path writing = plan.writing().get();
        try {
            boolean killed = exitCode == 137 || exitCode == 134 || exitCode == 139;
            if (!killed && Files.isRegularFile(writing) && Files.size(writing) > 0) {
                Files.move(writing, plan.archive(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                String mine = plan.archive().getFileName().toString();
                String prefix = mine.substring(0, prefixLength());
                try (DirectoryStream<Path> old = Files.newDirectoryStream(plan.archive().getParent(), prefix + "*.jsa")) {
                    for (Path p : old) {
                        if (!p.getFileName().toString().equals(mine)) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // a cache: the next start writes it again
        } finally {
            try {
                Files.deleteIfExists(writing);
            } catch (IOException e) {
                // left for the next start to replace
            }
        }
    }

    static Optional<Path> folder(Map<String, String> env, String home) {
        String chosen = env.getOrDefault(ENV, "").trim();
        if (chosen.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        if (!chosen.isEmpty()) {
            return Optional.of(Path.of(chosen).toAbsolutePath());
        }
        String cache = env.getOrDefault("XDG_CACHE_HOME", "").trim();
        if (!cache.isEmpty() && Path.of(cache).isAbsolute()) {
            return Optional.of(Path.of(cache, "healthbridge"));
        }
        return home == null || home.isBlank() || home.equals("?") ? Optional.empty()
                : Optional.of(Path.of(home, ".cache", "healthbridge"));
    }

    /** Owned by this user and not writable by anyone else (where the file system has POSIX permissions). */
    private static boolean ownOnly(Path p) throws IOException {
        if (!Files.getFileStore(p).supportsFileAttributeView("posix")) {
            return true;
        }
        return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                && Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).stream().noneMatch(OTHERS_WRITE::contains);
    }

    private static int prefixLength() {
        return "healthbridge-".length() + 8 + 1;
    }

    /** {@code healthbridge-<digest of the jar's path>-}: what the archives of one jar path share. */
    private static String prefix(Path jar) {
        return "healthbridge-" + EventJson.sha256(jar.toString()).substring(0, 8) + "-";
    }

    private static List<String> concat(List<String> head, String... tail) {
        return Stream.concat(head.stream(), Stream.of(tail)).toList();
    }
}
