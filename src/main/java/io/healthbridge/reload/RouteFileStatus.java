package io.healthbridge.reload;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of the last load of one route file: what it runs now and, when rejected, why.
 *
 * @param file      path relative to the routes folder
 * @param ok        true when the last change of the file was applied
 * @param routeIds  ids of the routes this file runs now (the previous good version when rejected)
 * @param line      line of the error when known, else null
 * @param reason    why the file was rejected, else null
 * @param at        when the file was last loaded or rejected
 * @param defines   what else the running version defines: {@code configuration x}, {@code template y}, {@code bean z}
 */
public record RouteFileStatus(String file, boolean ok, List<String> routeIds, Integer line, String reason, Instant at,
        List<String> defines) {
}
