package io.healthbridge.provider;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.HealthbridgeHeaders;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.IngestSummary;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.ingest.EventPipeline;
import io.healthbridge.store.DeadLetter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * One provider payload through the publish path's mapping step ({@link EventPipeline#map}: mapper, schema,
 * invariants, payload checks), without a store: what a payload becomes, for golden files and the accounting test.
 */
public final class PayloadRun {

    private static final SchemaRegistry SCHEMAS = new SchemaRegistry();
    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();

    public final List<CanonicalEvent> events = new ArrayList<>();
    public final List<DeadLetter> deadLetters = new ArrayList<>();
    /** Records the provider marks deleted, applied as tombstones when stored. */
    public final List<io.healthbridge.provider.Deletion> deletions = new ArrayList<>();
    public final IngestSummary summary = new IngestSummary();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The records the mapper split the payload into (none when the payload itself was refused). */
    public List<MappedRecord> records = List.of();

    private PayloadRun() {
    }

    public static PayloadRun of(ProviderMapper mapper, String dataset, JsonNode payload, MappingContext ctx) {
        PayloadRun run = new PayloadRun();
        MapperRegistry registry = new MapperRegistry();
        registry.register(mapper);
        EventPipeline pipeline = new EventPipeline(registry, SCHEMAS, null, run.meters,
                Clock.fixed(ctx.fetchedAt(), ZoneOffset.UTC));
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setBody(payload);
        exchange.getMessage().setHeader(HealthbridgeHeaders.PROVIDER, mapper.provider());
        exchange.getMessage().setHeader(HealthbridgeHeaders.DATASET, dataset);
        exchange.getMessage().setHeader(HealthbridgeHeaders.USER_ID, ctx.userId());
        exchange.getMessage().setHeader(HealthbridgeHeaders.PROVIDER_USER_ID, ctx.providerUserId());
        exchange.getMessage().setHeader(HealthbridgeHeaders.ZONE, ctx.zone().getId());
        exchange.setProperty(HealthbridgeHeaders.INGEST_SUMMARY, run.summary);
        for (Object item : pipeline.map(exchange)) {
            if (item instanceof CanonicalEvent e) {
                run.events.add(e);
            } else if (item instanceof DeadLetter d) {
                run.deadLetters.add(d);
            } else {
                run.deletions.add((io.healthbridge.provider.Deletion) item);
            }
        }
        try {
            run.records = mapper.map(dataset, payload, ctx);
        } catch (RuntimeException e) {
            run.records = List.of();
        }
        return run;
    }

    /** Records skipped on purpose, as the summary counted them. */
    public int skipped() {
        return summary.skipped();
    }
}
