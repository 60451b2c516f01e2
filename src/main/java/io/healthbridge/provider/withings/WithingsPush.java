package io.healthbridge.provider.withings;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.healthbridge.event.EventJson;
import io.healthbridge.provider.PushHandler;
import io.healthbridge.provider.PushRefused;
import io.healthbridge.provider.PushRequest;
import io.healthbridge.provider.PushSignatures;

/**
 * Withings notifications: a form POST of {@code userid}, {@code appli}, {@code startdate}, {@code enddate}; the
 * subscription's HEAD/GET check gets 200. Withings signs nothing: an optional shared token in the callback URL, and
 * the user must be connected. The {@code appli} code names the datasets to fetch.
 */
public class WithingsPush implements PushHandler {

    /** Withings {@code appli} codes to the datasets that carry them. */
    static final Map<Integer, List<String>> APPLI = Map.of(
            1, List.of("getmeas"), 2, List.of("getmeas"), 4, List.of("getmeas"),
            16, List.of("getactivity", "getworkouts", "getintradayactivity"), 44, List.of("sleep_summary", "sleep_get"));

    @Override
    public String provider() {
        return "withings";
    }

    @Override
    public void handle(PushRequest r) throws PushRefused {
        if ("HEAD".equals(r.method()) || "GET".equals(r.method())) {
            r.respond(200, Map.of());
            return;
        }
        String token = r.setting("webhook.token");
        if (!token.isBlank()) {
            String given = r.header("token");
            if (given == null || !PushSignatures.equal(token, given)) {
                throw new PushRefused(401, "callback token does not match");
            }
        }
        // platform-http turns a form body into headers; read the fields from whichever holds them
        Map<String, String> form = form(r.body());
        for (String field : List.of("userid", "appli", "startdate", "enddate")) {
            if (!form.containsKey(field) && r.header(field) != null) {
                form.put(field, r.header(field));
            }
        }
        int appli;
        try {
            appli = Integer.parseInt(form.getOrDefault("appli", ""));
        } catch (NumberFormatException e) {
            throw new PushRefused(400, "appli is missing or not a number");
        }
        // stored as JSON whatever the encoding it came in
        r.accept(r.connection(form.get("userid")), APPLI.getOrDefault(appli, List.of()),
                EventJson.write(EventJson.object(form)));
    }

    static Map<String, String> form(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
