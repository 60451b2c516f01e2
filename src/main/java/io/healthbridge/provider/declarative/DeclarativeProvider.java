package io.healthbridge.provider.declarative;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.DataType;
import io.healthbridge.event.Device;
import io.healthbridge.event.EventBuilder;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.MappingException;
import io.healthbridge.provider.Deletion;
import io.healthbridge.provider.Page;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderDefaults;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.ProviderRequest;
import io.healthbridge.provider.RecordDeleted;
import io.healthbridge.provider.RecordSkipped;
import io.healthbridge.provider.Records;
import io.healthbridge.provider.TimeWindow;

/**
 * A provider defined in a route file alone: a bean of this class declares the API (base URL, OAuth endpoints, one
 * dataset's path, time-window parameters, pagination, quotas) and a JSONata expression that turns one provider record
 * into canonical measurements; a {@code provider-poll} templated route in the same file polls it. The JSONata result
 * is an object (or a list of them):
 * <pre>
 * {"type": "blood_glucose", "start": "2026-…+01:00", "end": "…" (optional), "value": 101, "unit": "mg/dL",
 *  "quantities": {"name": {"value", "unit"}} (optional), "source_record_id": "…", "device": {"name", "model", "type",
 *  "manufacturer"} (optional), "fields": {…} (optional, copied into data), "estimated": {"field": "rule"} (optional)}
 * </pre>
 * or {@code {"skip": "<reason>"}} for a record left out on purpose, or {@code {"delete": true, "type", "source_record_id"}}
 * for a record the provider marks deleted (its events become tombstones). A provider with several datasets declares one
 * bean per dataset ({@link DeclaredProviders}); the API's URLs and quotas are read from the first that has them.
 * Events are built by {@link EventBuilder} like every mapper's: same ids, keys, UCUM conversion, provenance, schema.
 */
public class DeclarativeProvider {

    private String provider;
    private String baseUrl;
    private String authorizeUrl;
    private String tokenUrl;
    private String revokeUrl;
    private String scopes = "";
    private boolean pkce;
    private String appQuota = "none";
    private String userQuota = "none";
    private String dataset;
    private String path;
    private String fromParam = "start";
    private String toParam = "end";
    private String timeFormat = "iso";
    private int maxWindowDays = 7;
    private int overlapHours;
    private String pageTokenField;
    private String pageTokenParam;
    private String recordsPath;
    private String mapping;
    private volatile Jsonata compiled;

    // ---- API -------------------------------------------------------------------------------------------------

    /** The pull side: endpoints, windows and pagination from the bean's properties. */
    public ProviderApi api() {
        return new ProviderApi() {
            @Override
            public String provider() {
                return provider;
            }

            @Override
            public List<String> datasets() {
                return List.of(dataset);
            }

            @Override
            public ProviderDefaults defaults() {
                return new ProviderDefaults(baseUrl, authorizeUrl, tokenUrl, revokeUrl,
                        Arrays.stream(scopes.split("[ ,]+")).filter(s -> !s.isBlank()).toList(), " ", pkce, "standard",
                        appQuota, userQuota, List.of());
            }

            @Override
            public ProviderRequest request(String ds, TimeWindow w, String pageToken, ZoneId zone) {
                Map<String, String> q = new LinkedHashMap<>();
                q.put(fromParam, format(w.from().atOffset(ZoneOffset.UTC)));
                q.put(toParam, format(w.to().atOffset(ZoneOffset.UTC)));
                if (pageToken != null && pageTokenParam != null) {
                    q.put(pageTokenParam, pageToken);
                }
                return ProviderRequest.get(path, q);
            }

            @Override
            public Page page(String ds, JsonNode body) {
                return Page.withTokenIn(body, pageTokenField);
            }

            @Override
            public Duration maxWindow(String ds) {
                return Duration.ofDays(maxWindowDays);
            }

            @Override
            public Duration overlap(String ds) {
                return Duration.ofHours(overlapHours);
            }
        };
    }

    String format(OffsetDateTime t) {
        return switch (timeFormat) {
            // Dexcom v3: UTC without offset or fraction
            case "utc-seconds" -> t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
            case "epoch-seconds" -> String.valueOf(t.toEpochSecond());
            case "date" -> t.toLocalDate().toString();
            default -> t.toInstant().toString();
        };
    }

    // ---- mapping ---------------------------------------------------------------------------------------------

    /** The mapping side: records from {@code recordsPath}, each through the JSONata expression. */
    public ProviderMapper mapper() {
        return new ProviderMapper() {
            @Override
            public String provider() {
                return provider;
            }

            @Override
            public Set<String> datasets() {
                return Set.of(dataset);
            }

            @Override
            public List<JsonNode> records(String ds, JsonNode payload) {
                return recordsPath == null || recordsPath.isBlank() ? Records.arrayOrField(payload, "records")
                        : Records.arrayOrField(payload, recordsPath);
            }

            @Override
            public List<CanonicalEvent> mapRecord(String ds, JsonNode record, MappingContext ctx) {
                return DeclarativeProvider.this.map(record, ctx);
            }
        };
    }

    List<CanonicalEvent> map(JsonNode record, MappingContext ctx) {
        Object out;
        try {
            out = expression().evaluate(EventJson.MAPPER.convertValue(record, Object.class));
        } catch (RuntimeException e) {
            throw new MappingException("JSONata mapping of " + provider + " failed: " + e.getMessage());
        }
        if (out == null) {
            return List.of(); // the expression chose to publish nothing for this record
        }
        List<CanonicalEvent> events = new ArrayList<>();
        for (Object m : out instanceof List<?> list ? list : List.of(out)) {
            events.add(build(EventJson.MAPPER.valueToTree(m), record, ctx));
        }
        return events;
    }

    private CanonicalEvent build(JsonNode m, JsonNode raw, MappingContext ctx) {
        if (!m.isObject()) {
            throw new MappingException("the JSONata mapping must give objects, not " + m.getNodeType());
        }
        if (m.path("skip").isTextual()) {
            // {"skip": "<reason>"}: the mapping leaves this record out on purpose, counted with its reason
            String reason = Records.snake(m.get("skip").asText());
            throw new RecordSkipped(reason, "the " + provider + " mapping skips this record: " + reason);
        }
        String typeName = Records.text(m, "type");
        DataType type = DataType.fromId(typeName).filter(DataType::isMeasurement)
                .orElseThrow(() -> new MappingException("the JSONata mapping gave an unknown type '" + typeName + "'"));
        if (m.path("delete").asBoolean(false)) {
            // {"delete": true, "type", "source_record_id"}: the provider marks the record deleted
            throw new RecordDeleted(new Deletion(Records.text(m, "source_record_id"), List.of(type),
                    provider + " " + dataset + ": record deleted at the provider"));
        }
        OffsetDateTime start = Records.offsetTime(m, "start");
        OffsetDateTime end = Records.has(m, "end") ? Records.offsetTime(m, "end") : start;
        EventBuilder b = EventBuilder.of(type, ctx).raw(raw).interval(start, end)
                .sourceRecordId(Records.optText(m, "source_record_id"));
        JsonNode d = m.get("device");
        if (d != null && d.isObject()) {
            b.device(new Device(Records.optText(d, "name"), Records.optText(d, "model"), Records.optText(d, "type"),
                    Records.optText(d, "manufacturer")));
        }
        if (Records.has(m, "value")) {
            b.value(Records.number(m, "value"), Records.text(m, "unit"));
        }
        JsonNode q = m.get("quantities");
        if (q != null && q.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                BigDecimal v = Records.number(e.getValue(), "value");
                b.quantity(e.getKey(), v, Records.text(e.getValue(), "unit"));
            }
        }
        JsonNode f = m.get("fields");
        if (f != null && f.isObject()) {
            f.fields().forEachRemaining(e -> b.put(e.getKey(), e.getValue()));
        }
        JsonNode estimated = m.get("estimated");
        if (estimated != null && estimated.isObject()) {
            estimated.fields().forEachRemaining(e -> b.estimated(e.getKey(), e.getValue().asText()));
        }
        return b.build();
    }

    private Jsonata expression() {
        if (compiled == null) {
            if (mapping == null || mapping.isBlank()) {
                throw new MappingException("provider " + provider + " has no mapping");
            }
            try {
                compiled = Jsonata.jsonata(mapping);
            } catch (RuntimeException e) {
                throw new MappingException("the JSONata mapping of " + provider + " does not parse: " + e.getMessage());
            }
        }
        return compiled;
    }

    // ---- bean properties, set from the route file -----------------------------------------------------------

    public String getProvider() {
        return provider;
    }

    public String getDataset() {
        return dataset;
    }

    /** Whether this bean declares the API itself (its base URL, OAuth endpoints, quotas), not only a dataset. */
    boolean declaresApi() {
        return baseUrl != null;
    }

    public void setProvider(String provider) {
        this.provider = provider;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public void setAuthorizeUrl(String authorizeUrl) {
        this.authorizeUrl = authorizeUrl;
    }

    public void setTokenUrl(String tokenUrl) {
        this.tokenUrl = tokenUrl;
    }

    public void setRevokeUrl(String revokeUrl) {
        this.revokeUrl = revokeUrl;
    }

    public void setScopes(String scopes) {
        this.scopes = scopes;
    }

    public void setPkce(boolean pkce) {
        this.pkce = pkce;
    }

    public void setAppQuota(String appQuota) {
        this.appQuota = appQuota;
    }

    public void setUserQuota(String userQuota) {
        this.userQuota = userQuota;
    }

    public void setDataset(String dataset) {
        this.dataset = dataset;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public void setFromParam(String fromParam) {
        this.fromParam = fromParam;
    }

    public void setToParam(String toParam) {
        this.toParam = toParam;
    }

    public void setTimeFormat(String timeFormat) {
        this.timeFormat = timeFormat;
    }

    public void setMaxWindowDays(int maxWindowDays) {
        this.maxWindowDays = maxWindowDays;
    }

    public void setOverlapHours(int overlapHours) {
        this.overlapHours = overlapHours;
    }

    public void setPageTokenField(String pageTokenField) {
        this.pageTokenField = pageTokenField;
    }

    public void setPageTokenParam(String pageTokenParam) {
        this.pageTokenParam = pageTokenParam;
    }

    public void setRecordsPath(String recordsPath) {
        this.recordsPath = recordsPath;
    }

    public void setMapping(String mapping) {
        this.mapping = mapping;
        this.compiled = null;
    }

    @Override
    public String toString() {
        return "DeclarativeProvider[" + provider + " " + dataset + "]";
    }
}
