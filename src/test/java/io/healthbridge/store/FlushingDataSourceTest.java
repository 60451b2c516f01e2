package io.healthbridge.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a process killed at any moment leaves on disk: the store file is copied while the store is open (as a SIGKILL
 * would leave it) and the copy opened. A write through the embedded store's data source is in the copy as soon as its
 * connection is handed back; a write of a relaxed thread is not yet (H2 stores it later, in the background).
 */
class FlushingDataSourceTest {

    @TempDir
    Path dir;

    @Test
    void aWriteIsOnDiskOnceItsConnectionIsHandedBackUnlessTheThreadIsRelaxed() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(dir.resolve("live")), "sa", "", 4)) {
            assertThat(db.dataSource()).isInstanceOf(FlushingDataSource.class);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE probe (name VARCHAR(32) PRIMARY KEY)");
            }
            write(db, "durable");
            assertThat(namesInACopy("after-durable")).contains("durable");

            ExecutorService relaxed = Executors.newSingleThreadExecutor();
            try {
                relaxed.submit(() -> {
                    FlushingDataSource.relaxThisThread();
                    write(db, "relaxed");
                    return null;
                }).get();
            } finally {
                relaxed.shutdown();
            }
            // copied at once: H2's background writer stores it within about half a second, not before the answer
            assertThat(namesInACopy("after-relaxed")).contains("durable").doesNotContain("relaxed");

            // the next durable write flushes everything committed before it, the relaxed write with it
            write(db, "second");
            assertThat(namesInACopy("after-second")).contains("durable", "relaxed", "second");

            // a transaction left open when its connection is handed back is not committed by the flush
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO probe VALUES ('undecided')");
                }
                c.rollback();
                c.setAutoCommit(true);
            }
            assertThat(namesInACopy("after-rollback")).doesNotContain("undecided");
        }
    }

    private static Void write(Database db, String name) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             var ps = c.prepareStatement("INSERT INTO probe (name) VALUES (?)")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        return null;
    }

    /** Copies the open store's file as it is on disk, opens the copy and lists what it holds. */
    private java.util.List<String> namesInACopy(String copy) throws Exception {
        Path target = dir.resolve(copy);
        Files.createDirectories(target);
        Files.copy(dir.resolve("live").resolve("healthbridge.mv.db"), target.resolve("healthbridge.mv.db"));
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + target.resolve("healthbridge"), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM probe")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
