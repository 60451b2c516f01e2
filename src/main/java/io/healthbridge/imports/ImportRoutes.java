package io.healthbridge.imports;

import io.healthbridge.http.ApiAuth;
import io.healthbridge.http.ApiErrors;
import io.healthbridge.security.Authenticator;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.CamelContextHelper;

/**
 * Apple Health exports in: the upload ({@code POST /api/v1/users/{id}/imports}, streamed: the body never goes through
 * the API's in-memory body limit), the jobs ({@code GET /api/v1/imports/{id}}, {@code GET /api/v1/users/{id}/imports}),
 * and the imports folder, which Camel's file component watches: {@code <dir>/<user id>/export.zip}, taken once it
 * has stopped growing, moved to {@code .done/} (or {@code .failed/}) beside it.
 */
public class ImportRoutes extends RouteBuilder {

    @Override
    public void configure() {
        ApiErrors.guard(this);
        ImportJobs jobs = CamelContextHelper.mandatoryLookup(getContext(), "importJobs", ImportJobs.class);
        ApiAuth auth = new ApiAuth(CamelContextHelper.mandatoryLookup(getContext(), "authenticator",
                Authenticator.class));
        from("platform-http:/api/v1/users/{id}/imports?httpMethodRestrict=POST&useStreaming=true")
                .routeId("api-imports-upload")
                .process(auth)
                .process(jobs::upload);
        rest("/api/v1").produces("application/json")
                .get("/imports/{id}").id("api-imports-get").to("direct:api-imports-get")
                .get("/users/{id}/imports").id("api-imports-list").to("direct:api-imports-list");
        from("direct:api-imports-get").routeId("api-imports-get-impl").process(jobs::get);
        from("direct:api-imports-list").routeId("api-imports-list-impl").process(jobs::list);

        // first poll at once: until a polling consumer has polled, Camel reports it (and so /health) DOWN
        from("file:{{healthbridge.imports.dir}}?initialDelay=0&recursive=true&minDepth=2&maxDepth=2&autoCreate=true"
             + "&include=.*\\.(zip|xml)&readLock=changed&readLockCheckInterval=1000&readLockMinAge=2000"
             + "&move=${file:parent}/.done/${date:now:yyyyMMdd-HHmmss}-${file:onlyname}"
             + "&moveFailed=${file:parent}/.failed/${date:now:yyyyMMdd-HHmmss}-${file:onlyname}")
                .routeId("imports-folder")
                .process(jobs::fromFolder);
    }
}
