package io.healthbridge.phone;

import io.healthbridge.http.ApiErrors;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;

/**
 * Phone health stores in: their companion apps (Health Connect's format, the iOS apps' own shapes) push here with a device token (never an API key), and the format's
 * JSON Schema is published for app authors at {@code GET /api/v1/schemas/ingest/health-connect}.
 */
public class PhoneRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.handle(this);
        HealthConnectIngest ingest = CamelContextHelper.mandatoryLookup(getContext(), "healthConnectIngest",
                HealthConnectIngest.class);
        // the path of the contract's proposal (…/v0) and the short one
        for (String path : new String[] {"/ingest/health-connect", "/ingest/health-connect/v0"}) {
            from("platform-http:" + path + "?httpMethodRestrict=POST").routeId("ingest-health-connect"
                    + (path.endsWith("v0") ? "-v0" : "")).process(ingest::handle);
        }
        AppleHealthIngest apple = CamelContextHelper.mandatoryLookup(getContext(), "appleHealthIngest",
                AppleHealthIngest.class);
        from("platform-http:/ingest/apple-health?httpMethodRestrict=POST").routeId("ingest-apple-health")
                .process(apple::handle);
    }
}
