// send: direct:c-java-errors | x
import org.apache.camel.builder.RouteBuilder;

public class CompatJavaErrors extends RouteBuilder {
    @Override
    public void configure() {
        onException(IllegalStateException.class).handled(true).setBody(simple("java handled ${exception.message}"));
        from("direct:c-java-errors").routeId("c-java-errors")
                .throwException(new IllegalStateException("in java"));
    }
}
