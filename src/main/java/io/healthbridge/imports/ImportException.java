package io.healthbridge.imports;

/** An export that cannot be read on: the reason is shown to the user as the import job's error. */
public class ImportException extends Exception {

    public ImportException(String message) {
        super(message);
    }
}
