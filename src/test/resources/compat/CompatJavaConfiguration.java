// loads: true
import org.apache.camel.builder.RouteConfigurationBuilder;

public class CompatJavaConfiguration extends RouteConfigurationBuilder {
    @Override
    public void configuration() {
        routeConfiguration("c-java-config").onException(IllegalStateException.class).handled(true)
                .setBody(constant("java configuration"));
    }
}
