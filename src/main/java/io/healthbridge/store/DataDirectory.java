package io.healthbridge.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.healthbridge.crypto.OwnerOnlyFiles;

/**
 * The runtime's data folder (the embedded store with every event, password hashes and the audit log, the secret key,
 * first-start credentials): the owner's alone. The folder is made {@code rwx------}, so whatever file is created in it
 * later (H2's trace file) cannot be reached by another account, and the files already there {@code rw-------}.
 */
public final class DataDirectory {

    private DataDirectory() {
    }

    public static Path prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        OwnerOnlyFiles.restrict(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    OwnerOnlyFiles.restrict(f);
                }
            }
        }
        return dir;
    }
}
