package io.healthbridge.event;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The JSON schemas of the canonical events ({@code classpath:schemas/}), one per data type, validating whole
 * CloudEvents documents.
 * <p>
 * networknt's validator is used directly rather than through the camel-json-validator endpoint: the per-type schemas
 * share {@code common.json} by {@code $ref}, resolved here by mapping their {@code $id} base to the classpath, and the
 * same compiled schemas are served by {@code GET /api/v1/schemas}.
 */
public final class SchemaRegistry {

    private final Map<DataType, JsonSchema> schemas = new EnumMap<>(DataType.class);

    public SchemaRegistry() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(CanonicalEvent.SCHEMA_BASE, "classpath:schemas/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true).locale(Locale.ROOT).build();
        for (DataType type : DataType.values()) {
            JsonSchema schema = factory.getSchema(
                    SchemaLocation.of(CanonicalEvent.SCHEMA_BASE + type.schemaName() + ".json"), config);
            schema.initializeValidators();
            schemas.put(type, schema);
        }
    }

    /** Validation errors of a CloudEvents document against its type's schema; empty when valid. */
    public List<String> validate(CanonicalEvent event) {
        return validate(event.dataType(), event.toJson());
    }

    public List<String> validate(DataType type, JsonNode document) {
        Set<ValidationMessage> messages = schemas.get(type).validate(document);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** The schema text of a type, or of {@code common}. */
    public static String schemaText(String name) throws IOException {
        try (InputStream in = SchemaRegistry.class.getResourceAsStream("/schemas/" + name + ".json")) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
