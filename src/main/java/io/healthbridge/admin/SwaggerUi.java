package io.healthbridge.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The files of Swagger UI the API console serves, read once from the {@code org.webjars:swagger-ui} jar: a fixed list,
 * so no request names a path of the classpath. The webjar's version is read from its Maven metadata, not repeated
 * here.
 */
final class SwaggerUi {

    private static final String POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final Map<String, String> FILES = Map.of(
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui.css", "text/css; charset=utf-8");

    private final String root;

    private SwaggerUi(String root) {
        this.root = root;
    }

    static SwaggerUi fromClasspath() {
        try (InputStream in = SwaggerUi.class.getResourceAsStream(POM)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return new SwaggerUi("/META-INF/resources/webjars/swagger-ui/" + p.getProperty("version") + "/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** File name to content type. */
    Map<String, String> files() {
        return FILES;
    }

    byte[] read(String name) {
        try (InputStream in = SwaggerUi.class.getResourceAsStream(root + name)) {
            if (in == null) {
                throw new IllegalStateException(root + name + " is missing from the swagger-ui webjar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
