package io.healthbridge.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthbridge.event.CanonicalEvent;
import io.healthbridge.event.EventJson;
import io.healthbridge.event.MappingContext;
import io.healthbridge.event.SchemaRegistry;
import io.healthbridge.provider.applehealth.AppleHealthMapper;
import io.healthbridge.provider.fitbit.FitbitMapper;
import io.healthbridge.provider.garmin.GarminMapper;
import io.healthbridge.provider.healthconnect.HealthConnectMapper;
import io.healthbridge.provider.oura.OuraMapper;
import io.healthbridge.provider.polar.PolarMapper;
import io.healthbridge.provider.strava.StravaMapper;
import io.healthbridge.provider.whoop.WhoopMapper;
import io.healthbridge.provider.withings.WithingsMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files: each provider sample in, the expected canonical events (and dead letters) out, every event valid
 * against its schema. Regenerate after an intended change with {@code mvn test -Dtest=MapperGoldenTest
 * -Dgolden.update=true} and review the diff.
 */
public class MapperGoldenTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    public static final MappingContext CONTEXT = new MappingContext("provider", "user-1", "provider-user-1",
            Instant.parse("2026-11-24T10:00:00Z"), ZoneId.of("Europe/Berlin"));
    static final SchemaRegistry SCHEMAS = new SchemaRegistry();

    /** Dexcom is declared in its route file alone (JSONata mapping): the same golden output from it. */
    static final Map<String, ProviderMapper> MAPPERS = Map.of(
            "dexcom", declared("routes/providers/dexcom.camel.yaml"), "fitbit", new FitbitMapper(), "garmin", new GarminMapper(),
            "oura", new OuraMapper(), "polar", new PolarMapper(), "strava", new StravaMapper(),
            "whoop", new WhoopMapper(), "withings", new WithingsMapper(), "health-connect", new HealthConnectMapper(),
            "apple-health", new AppleHealthMapper());

    /** sample file (provider/name) → dataset it is a response of. */
    static final Map<String, String> DATASETS = Map.ofEntries(
            Map.entry("dexcom/glucose.json", "egvs"),
            // GET /v3/users/self/events as developer.dexcom.com documents it: value as a string, every event type
            Map.entry("dexcom/events.json", "events"),
            Map.entry("health-connect/batch.json", HealthConnectMapper.DATASET),
            Map.entry("apple-health/push-open-wearables-sync.json", AppleHealthMapper.SYNC),
            Map.entry("apple-health/push-health-auto-export.json", AppleHealthMapper.AUTO_EXPORT),
            Map.entry("fitbit/heart-rate.json", "activities_heart"),
            Map.entry("garmin/blood-pressure.json", "bloodPressures"),
            Map.entry("garmin/body.json", "bodyComps"),
            Map.entry("garmin/stress.json", "stressDetails"),
            Map.entry("garmin/daily-activity.json", "dailies"),
            Map.entry("garmin/daily-activity-2.json", "dailies"),
            Map.entry("garmin/sleep-2.json", "sleeps"),
            Map.entry("garmin/sleep-3.json", "sleeps"),
            Map.entry("garmin/spo2-2.json", "pulseox"),
            Map.entry("polar/daily-activity-2.json", "activity"),
            Map.entry("polar/workouts-2.json", "exercises"),
            // the transactional API's spelling (hyphens) of the same exercise, and its daily summary
            Map.entry("polar/exercise-transaction-hyphenated.json", "exercises"),
            Map.entry("polar/activity-transaction.json", "activity"),
            // an exercise with its route (times as ISO durations from the start), one whose route times go back
            Map.entry("polar/exercise-route.json", "exercises"),
            Map.entry("strava/workouts-2.json", "activities"),
            Map.entry("withings/heart-rate-2.json", "getintradayactivity"),
            Map.entry("withings/sleep-2.json", "sleep_summary"),
            Map.entry("garmin/hrv.json", "hrv"),
            Map.entry("garmin/push-notification.json", "epochs"),
            Map.entry("garmin/sleep.json", "sleeps"),
            Map.entry("garmin/spo2.json", "pulseox"),
            Map.entry("garmin/steps-epochs.json", "epochs"),
            Map.entry("oura/daily-activity.json", "daily_activity"),
            Map.entry("oura/heart-rate.json", "heartrate"),
            Map.entry("oura/sleep.json", "sleep"),
            Map.entry("oura/spo2.json", "daily_spo2"),
            Map.entry("oura/workouts.json", "workout"),
            Map.entry("oura/realistic/heartrate.json", "heartrate"),
            Map.entry("oura/realistic/sleep.json", "sleep"),
            Map.entry("oura/realistic/daily_activity.json", "daily_activity"),
            Map.entry("oura/realistic/daily_readiness.json", "daily_readiness"),
            Map.entry("oura/realistic/daily_sleep.json", "daily_sleep"),
            Map.entry("oura/realistic/vo2_max.json", "vo2_max"),
            Map.entry("oura/realistic/daily_cardiovascular_age.json", "daily_cardiovascular_age"),
            Map.entry("oura/realistic/daily_stress.json", "daily_stress"),
            Map.entry("oura/realistic/daily_resilience.json", "daily_resilience"),
            Map.entry("oura/realistic/session.json", "session"),
            Map.entry("oura/realistic/daily_spo2.json", "daily_spo2"),
            Map.entry("oura/realistic/workout.json", "workout"),
            Map.entry("oura/realistic/sleep-unscored.json", "sleep"),
            Map.entry("whoop/realistic/sleep.json", "sleep"),
            Map.entry("polar/body.json", "physical_information"),
            Map.entry("polar/daily-activity.json", "activity"),
            Map.entry("polar/heart-rate.json", "continuous_heart_rate"),
            Map.entry("polar/hrv.json", "nightly_recharge"),
            Map.entry("polar/sleep.json", "sleep"),
            Map.entry("polar/spo2.json", "spo2"),
            Map.entry("polar/workouts.json", "exercises"),
            Map.entry("strava/workouts.json", "activities"),
            Map.entry("whoop/body.json", "body_measurement"),
            Map.entry("whoop/daily-activity.json", "cycle"),
            Map.entry("whoop/heart-rate.json", "heart_rate"),
            Map.entry("whoop/hrv.json", "recovery"),
            Map.entry("whoop/sleep.json", "sleep"),
            Map.entry("whoop/workouts.json", "workout"),
            Map.entry("withings/body.json", "getmeas"),
            Map.entry("withings/daily-activity.json", "getactivity"),
            Map.entry("withings/heart-rate.json", "getintradayactivity"),
            Map.entry("withings/sleep.json", "sleep_summary"),
            // Sleep v2 get: shaped after Withings' schema (state codes, series keyed by unix time, null readings)
            Map.entry("withings/sleep-get.json", "sleep_get"),
            Map.entry("withings/workouts.json", "getworkouts"));

    /** Samples that carry none of the canonical data types, and why. */
    static final Map<String, String> NOT_DATA = Map.ofEntries(
            Map.entry("garmin/error.json", "an error body"),
            Map.entry("garmin/ping-notification.json", "a ping: a callback URL to pull, no data"),
            Map.entry("oura/daily-sleep.json", "placeholders only ('day': 'string'): oura/realistic/daily_sleep.json"),
            Map.entry("oura/hrv-readiness.json", "placeholders only ('day': 'string'): oura/realistic/daily_readiness.json"),
            Map.entry("polar/webhook-created.json", "a webhook registration answer"),
            Map.entry("polar/webhook-exercise.json", "a push notification: an entity URL to fetch"),
            Map.entry("strava/athlete.json", "an athlete profile (weight 0 = not set)"),
            Map.entry("strava/heart-rate.json", "a distance stream without time or activity start"),
            Map.entry("whoop/webhook.json", "a push notification: an id to fetch"),
            Map.entry("withings/token-response.json", "an OAuth token answer"),
            Map.entry("polar/webhook-ping-3.json", "a webhook PING: answered 200, no data"),
            Map.entry("polar/webhook-sleep-2.json", "a push notification: a day to fetch"),
            Map.entry("apple-health/push-health-auto-export.json", "a phone-store push: no mapper yet"),
            Map.entry("apple-health/push-open-wearables-sync.json", "a phone-store push: no mapper yet"));

    static ProviderMapper declared(String file) {
        try {
            return io.healthbridge.provider.declarative.RouteFileProviders.mapper(Path.of(file));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Stream<Arguments> samples() {
        return DATASETS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleMapsToItsGoldenEvents(String sample, String dataset) throws IOException {
        String provider = sample.substring(0, sample.indexOf('/'));
        ProviderMapper mapper = MAPPERS.get(provider);
        JsonNode payload = EventJson.MAPPER.readTree(FIXTURES.resolve(sample).toFile());
        MappingContext ctx = new MappingContext(mapper.provider(), CONTEXT.userId(), CONTEXT.providerUserId(),
                CONTEXT.fetchedAt(), CONTEXT.zone());

        PayloadRun run = PayloadRun.of(mapper, dataset, payload, ctx);
        ObjectNode actual = EventJson.object();
        ArrayNode events = actual.putArray("events");
        ArrayNode deadLetters = actual.putArray("dead_letters");
        ArrayNode skipped = actual.putArray("skipped");
        for (CanonicalEvent e : run.events) {
            assertThat(SCHEMAS.validate(e)).as("schema errors of %s in %s", e.type(), sample).isEmpty();
            events.add(e.toJson());
        }
        for (var d : run.deadLetters) {
            deadLetters.addObject().put("reason_code", d.reasonCode()).put("reason", d.reason())
                    .put("raw_digest", EventJson.digest(EventJson.read(d.raw())));
        }
        new java.util.TreeMap<>(run.summary.skippedByReason()).forEach((reason, n) -> skipped.addObject().put("reason", reason).put("records", n));
        assertThat(run.events.size() + run.deadLetters.size() + run.skipped()).as("outcomes of " + sample).isPositive();

        Path golden = GOLDEN.resolve(sample);
        String actualText = EventJson.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(actual) + "\n";
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actualText);
        }
        assertThat(golden).as("golden file (generate with -Dgolden.update=true)").exists();
        assertThat(EventJson.MAPPER.readTree(actualText)).isEqualTo(EventJson.MAPPER.readTree(golden.toFile()));
    }

    @Test
    void everySampleIsEitherMappedOrKnownToCarryNoDataType() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(FIXTURES)) {
            s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json"))
                    .forEach(p -> files.add(FIXTURES.relativize(p).toString().replace('\\', '/')));
        }
        Set<String> known = new java.util.HashSet<>(DATASETS.keySet());
        known.addAll(NOT_DATA.keySet());
        assertThat(files).allSatisfy(f -> assertThat(known).as("sample " + f + " is in the manifest").contains(f));
    }

    @Test
    void fixturesAreTheSharedContractSamples() throws IOException {
        Path shared = Path.of("../shared/provider-contracts/samples");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "../shared is not beside the repo");
        try (Stream<Path> s = Files.walk(shared)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path copy = FIXTURES.resolve(shared.relativize(p).toString());
                assertThat(copy).as("fixture copy of " + p).exists();
                assertThat(Files.readString(copy)).as(copy.toString()).isEqualTo(Files.readString(p));
            }
        }
    }
}
