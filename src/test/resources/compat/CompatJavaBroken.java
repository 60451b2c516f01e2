// loads: false
import org.apache.camel.builder.RouteBuilder;

public class CompatJavaBroken extends RouteBuilder {
    @Override
    public void configure() {
        from("direct:c-java-broken").routeId("c-java-broken").notAMethod();
    }
}
