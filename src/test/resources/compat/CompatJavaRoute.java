// send: direct:c-java | java
import org.apache.camel.builder.RouteBuilder;

public class CompatJavaRoute extends RouteBuilder {
    @Override
    public void configure() {
        from("direct:c-java").routeId("c-java")
                .choice()
                    .when(body().isEqualTo("java")).setBody(constant("java dsl"))
                    .otherwise().setBody(constant("other"))
                .end();
    }
}
