package io.healthbridge.support;

/** Route file texts used across tests. */
public final class Routes {

    private Routes() {
    }

    /** A YAML route answering GET {@code path} with {@code body}. */
    public static String yamlConstant(String id, String path, String body) {
        return """
                - route:
                    id: %s
                    from:
                      uri: platform-http:%s
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(id, path, body);
    }

    /**
     * A YAML route answering GET {@code path} with {@code body} to anyone: it names the healthbridge-public route
     * configuration, where route files' HTTP routes otherwise ask for an API key.
     */
    public static String yamlPublic(String id, String path, String body) {
        return yamlConstant(id, path, body).replace("    from:", "    routeConfigurationId: healthbridge-public\n    from:");
    }

    /** A Java DSL route class answering GET {@code path} with {@code body}. */
    public static String javaConstant(String className, String id, String path, String body) {
        return """
                import org.apache.camel.builder.RouteBuilder;

                public class %s extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("platform-http:%s").routeId("%s").setBody(constant("%s"));
                    }
                }
                """.formatted(className, path, id, body);
    }
}
