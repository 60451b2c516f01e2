package io.healthbridge.provider.declarative;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Reads the {@link DeclarativeProvider} bean out of a route file, as the runtime's YAML loader would configure it. */
public final class RouteFileProviders {

    private RouteFileProviders() {
    }

    /** The first bean's provider with every dataset the file declares for it, as the runtime's registries see it. */
    public static io.healthbridge.provider.ProviderMapper mapper(Path routeFile) throws Exception {
        return DeclaredProviders.mapper(loadAll(routeFile));
    }

    public static DeclarativeProvider load(Path routeFile) throws Exception {
        return loadAll(routeFile).get(0);
    }

    @SuppressWarnings("unchecked")
    public static List<DeclarativeProvider> loadAll(Path routeFile) throws Exception {
        List<DeclarativeProvider> out = new java.util.ArrayList<>();
        List<Object> docs = (List<Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(routeFile));
        for (Object doc : docs) {
            Map<String, Object> entry = (Map<String, Object>) doc;
            if (!entry.containsKey("beans")) {
                continue;
            }
            for (Map<String, Object> bean : (List<Map<String, Object>>) entry.get("beans")) {
                if (DeclarativeProvider.class.getName().equals(bean.get("type"))) {
                    DeclarativeProvider p = new DeclarativeProvider();
                    try (DefaultCamelContext ctx = new DefaultCamelContext()) {
                        PropertyBindingSupport.build().withIgnoreCase(true)
                                .bind(ctx, p, new java.util.HashMap<>((Map<String, Object>) bean.get("properties")));
                    }
                    out.add(p);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(routeFile + " declares no " + DeclarativeProvider.class.getSimpleName());
        }
        return out;
    }
}
