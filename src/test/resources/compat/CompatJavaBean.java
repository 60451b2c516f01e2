// send: direct:c-java-bean | x
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;

public class CompatJavaBean extends RouteBuilder {

    @BindToRegistry("cJavaGreeter")
    public Greeter greeter() {
        return new Greeter();
    }

    @Override
    public void configure() {
        from("direct:c-java-bean").routeId("c-java-bean").bean("cJavaGreeter", "greet");
    }

    public static class Greeter {
        public String greet(String body) {
            return "greeted " + body;
        }
    }
}
