package io.healthbridge.imports;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The time format of an export's attributes: {@code 2025-01-14 08:02:11 +0100}. */
final class ExportTimes {

    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT);

    private ExportTimes() {
    }
}
