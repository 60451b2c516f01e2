package io.healthbridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the child JVM's class archive lives, when it is written, used, replaced, and when it is left alone. */
class ClassArchiveTest {

    @TempDir
    Path tmp;

    Optional<ClassArchive.Plan> plan(Path jar, Path dir) {
        return ClassArchive.plan(jar, "17.0.15+6", "-Xmx224m", Map.of(ClassArchive.ENV, dir.toString()), "/home/x", 77);
    }

    Path jar(String name) throws Exception {
        return Files.writeString(tmp.resolve(name), "a jar");
    }

    @Test
    void theFirstStartWritesTheArchiveAndTheNextOnesMapIt() throws Exception {
        Path jar = jar("healthbridge.jar");
        Path dir = tmp.resolve("cache");
        ClassArchive.Plan first = plan(jar, dir).orElseThrow();
        Path writing = first.writing().orElseThrow();
        assertThat(first.options()).contains("-XX:ArchiveClassesAtExit=" + writing);
        assertThat(writing.getParent()).isEqualTo(dir);
        assertThat(writing.getFileName().toString()).endsWith(".77.tmp");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");

        Files.write(writing, new byte[] {1, 2, 3}); // what the JVM writes at its exit
        ClassArchive.settle(first, 143); // stopped by SIGTERM: a graceful exit, the archive was written
        assertThat(writing).doesNotExist();
        assertThat(first.archive()).exists();

        ClassArchive.Plan next = plan(jar, dir).orElseThrow();
        assertThat(next.writing()).isEmpty();
        assertThat(next.options()).contains("-XX:SharedArchiveFile=" + first.archive(), "-D" + ClassArchive.STATE + "=used");
    }

    @Test
    void aKilledStartLeavesNoHalfArchive() throws Exception {
        Path jar = jar("healthbridge.jar");
        ClassArchive.Plan first = plan(jar, tmp.resolve("cache")).orElseThrow();
        Files.write(first.writing().orElseThrow(), new byte[] {1, 2});
        ClassArchive.settle(first, 137);
        assertThat(first.writing().get()).doesNotExist();
        assertThat(first.archive()).doesNotExist();
        assertThat(plan(jar, tmp.resolve("cache")).orElseThrow().writing()).isPresent();
    }

    @Test
    void aNewBuildOfTheJarGetsItsOwnArchiveAndTheOldOneGoes() throws Exception {
        Path jar = jar("healthbridge.jar");
        Path other = jar("other.jar");
        Path dir = tmp.resolve("cache");
        ClassArchive.Plan old = written(jar, dir);
        ClassArchive.Plan elsewhere = written(other, dir);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        ClassArchive.Plan rebuilt = plan(jar, dir).orElseThrow();
        assertThat(rebuilt.archive()).isNotEqualTo(old.archive());
        assertThat(rebuilt.writing()).isPresent();
        Files.write(rebuilt.writing().get(), new byte[] {1});
        ClassArchive.settle(rebuilt, 0);
        assertThat(rebuilt.archive()).exists();
        assertThat(old.archive()).as("the previous build's archive").doesNotExist();
        assertThat(elsewhere.archive()).as("another jar's archive").exists();

        assertThat(ClassArchive.plan(jar, "17.0.16+8", "-Xmx224m", Map.of(ClassArchive.ENV, dir.toString()), "/h", 1)
                .orElseThrow().archive()).as("another JVM build").isNotEqualTo(rebuilt.archive());
        assertThat(ClassArchive.plan(jar, "17.0.15+6", "-Xmx1g", Map.of(ClassArchive.ENV, dir.toString()), "/h", 1)
                .orElseThrow().archive()).as("another heap bound").isNotEqualTo(rebuilt.archive());
    }

    @Test
    void aFolderOthersMayWriteIsNotUsed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(plan(jar("healthbridge.jar"), dir)).isEmpty();
    }

    @Test
    void anArchiveOthersMayWriteIsNotMapped() throws Exception {
        Path jar = jar("healthbridge.jar");
        ClassArchive.Plan p = written(jar, tmp.resolve("cache"));
        Files.setPosixFilePermissions(p.archive(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(plan(jar, tmp.resolve("cache"))).isEmpty();
    }

    @Test
    void theFolderIsTheUsersCacheUnlessChosenOrTurnedOff() {
        assertThat(ClassArchive.folder(Map.of(), "/home/ann")).contains(Path.of("/home/ann/.cache/healthbridge"));
        assertThat(ClassArchive.folder(Map.of("XDG_CACHE_HOME", "/var/cache/ann"), "/home/ann"))
                .contains(Path.of("/var/cache/ann/healthbridge"));
        assertThat(ClassArchive.folder(Map.of("XDG_CACHE_HOME", "relative"), "/home/ann"))
                .contains(Path.of("/home/ann/.cache/healthbridge"));
        assertThat(ClassArchive.folder(Map.of(ClassArchive.ENV, "/srv/hb-cache"), "/home/ann"))
                .contains(Path.of("/srv/hb-cache"));
        assertThat(ClassArchive.folder(Map.of(ClassArchive.ENV, "none"), "/home/ann")).isEmpty();
        assertThat(ClassArchive.folder(Map.of(), "?")).as("no home").isEmpty();
    }

    private ClassArchive.Plan written(Path jar, Path dir) throws Exception {
        ClassArchive.Plan p = plan(jar, dir).orElseThrow();
        Files.write(p.writing().orElseThrow(), new byte[] {1});
        ClassArchive.settle(p, 0);
        assertThat(p.archive()).exists();
        return p;
    }
}
