package io.healthbridge.phone;

import java.time.Clock;

import io.healthbridge.http.ApiErrors;
import io.healthbridge.security.DeviceTokens;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;

/**
 * Phone health stores in: their companion apps push here with a device token (never an API key), and the format's
 * JSON Schema is published for app authors at {@code GET /api/v1/schemas/ingest/health-connect}.
 */
public class PhoneRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.handle(this);
        HealthConnectIngest ingest = new HealthConnectIngest(CamelContextHelper.mandatoryLookup(getContext(),
                "deviceTokens", DeviceTokens.class), getContext().createProducerTemplate(), Clock.systemUTC());
        // the path of the contract's proposal (…/v0) and the short one
        for (String path : new String[] {"/ingest/health-connect", "/ingest/health-connect/v0"}) {
            from("platform-http:" + path + "?httpMethodRestrict=POST").routeId("ingest-health-connect"
                    + (path.endsWith("v0") ? "-v0" : "")).process(ingest::handle);
        }
    }
}
