package io.healthbridge.auth;

import java.time.Clock;
import java.time.ZoneOffset;

import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.MappingContext;
import io.healthbridge.store.Connection;
import org.apache.camel.ProducerTemplate;

/** Publishes connection lifecycle events ({@code healthbridge.connection.*}) through {@code direct:publish}. */
public class ConnectionEvents {

    private final ProducerTemplate producer;
    private final Clock clock;

    public ConnectionEvents(ProducerTemplate producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    public void created(Connection c) {
        publish(DataType.CONNECTION_CREATED, c, null);
    }

    public void revoked(Connection c, String reason) {
        publish(DataType.CONNECTION_REVOKED, c, reason);
    }

    public void error(Connection c, String reason) {
        publish(DataType.CONNECTION_ERROR, c, reason);
    }

    private void publish(DataType type, Connection c, String reason) {
        MappingContext ctx = new MappingContext(c.provider(), c.userId(), c.providerUserId(), clock.instant(), null);
        CanonicalEvent e = EventBuilder.of(type, ctx).sourceRecordId(c.id())
                .at(clock.instant().atOffset(ZoneOffset.UTC))
                .put("connection_id", c.id())
                .put("status", switch (type) {
                    case CONNECTION_CREATED -> Connection.ACTIVE;
                    case CONNECTION_REVOKED -> Connection.REVOKED;
                    default -> Connection.ERROR;
                })
                .put("reason", reason)
                .build();
        producer.sendBody("direct:publish", e);
    }
}
