package io.healthbridge.provider.declarative;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.MappingContext;
import io.healthbridge.provider.Page;
import io.healthbridge.provider.ProviderApi;
import io.healthbridge.provider.ProviderDefaults;
import io.healthbridge.provider.ProviderMapper;
import io.healthbridge.provider.ProviderRequest;
import io.healthbridge.provider.TimeWindow;

/**
 * The {@link DeclarativeProvider} beans of one provider, one dataset each, as that provider's one API and one mapper:
 * each dataset's requests and records are its own bean's; the base URL, OAuth endpoints and quotas are those of the
 * first bean that declares them. Two beans of one dataset: the first is used.
 */
public final class DeclaredProviders {

    private DeclaredProviders() {
    }

    /** The beans of each provider, in the order given. */
    public static Map<String, List<DeclarativeProvider>> byProvider(Iterable<DeclarativeProvider> beans) {
        Map<String, List<DeclarativeProvider>> out = new LinkedHashMap<>();
        for (DeclarativeProvider b : beans) {
            if (b.getProvider() != null) {
                out.computeIfAbsent(b.getProvider(), k -> new ArrayList<>()).add(b);
            }
        }
        return out;
    }

    public static ProviderApi api(List<DeclarativeProvider> beans) {
        if (beans.size() == 1) {
            return beans.get(0).api();
        }
        Map<String, ProviderApi> byDataset = new LinkedHashMap<>();
        beans.forEach(b -> byDataset.putIfAbsent(b.getDataset(), b.api()));
        ProviderApi main = beans.stream().filter(DeclarativeProvider::declaresApi).findFirst().orElse(beans.get(0))
                .api();
        return new ProviderApi() {
            @Override
            public String provider() {
                return main.provider();
            }

            @Override
            public List<String> datasets() {
                return List.copyOf(byDataset.keySet());
            }

            @Override
            public ProviderDefaults defaults() {
                return main.defaults();
            }

            @Override
            public ProviderRequest request(String dataset, TimeWindow window, String pageToken, ZoneId zone) {
                return of(byDataset, dataset).request(dataset, window, pageToken, zone);
            }

            @Override
            public Page page(String dataset, JsonNode body) {
                return of(byDataset, dataset).page(dataset, body);
            }

            @Override
            public Duration maxWindow(String dataset) {
                return of(byDataset, dataset).maxWindow(dataset);
            }

            @Override
            public Duration overlap(String dataset) {
                return of(byDataset, dataset).overlap(dataset);
            }
        };
    }

    public static ProviderMapper mapper(List<DeclarativeProvider> beans) {
        if (beans.size() == 1) {
            return beans.get(0).mapper();
        }
        Map<String, ProviderMapper> byDataset = new LinkedHashMap<>();
        beans.forEach(b -> byDataset.putIfAbsent(b.getDataset(), b.mapper()));
        String provider = beans.get(0).getProvider();
        return new ProviderMapper() {
            @Override
            public String provider() {
                return provider;
            }

            @Override
            public Set<String> datasets() {
                return new LinkedHashSet<>(byDataset.keySet());
            }

            @Override
            public List<JsonNode> records(String dataset, JsonNode payload) {
                return of(byDataset, dataset).records(dataset, payload);
            }

            @Override
            public List<CanonicalEvent> mapRecord(String dataset, JsonNode record, MappingContext context) {
                return of(byDataset, dataset).mapRecord(dataset, record, context);
            }
        };
    }

    private static <T> T of(Map<String, T> byDataset, String dataset) {
        T t = byDataset.get(dataset);
        if (t == null) {
            throw new IllegalArgumentException("no declared dataset '" + dataset + "'; known: " + byDataset.keySet());
        }
        return t;
    }
}
