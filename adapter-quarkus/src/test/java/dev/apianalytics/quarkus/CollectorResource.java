package dev.apianalytics.quarkus;

import dev.apianalytics.testkit.RecordingCollector;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a recording collector before the application and points the adapter at it. */
public final class CollectorResource implements QuarkusTestResourceLifecycleManager {

    private RecordingCollector collector;

    @Override
    public Map<String, String> start() {
        collector = RecordingCollector.start();
        return Map.of("api-analytics.server-url", collector.url());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(collector, new TestInjector.MatchesType(RecordingCollector.class));
    }

    @Override
    public void stop() {
        collector.close();
    }
}
