package dev.apianalytics.server;

import dev.apianalytics.server.alert.AlertExtension;
import dev.apianalytics.server.dashboard.DashboardExtension;
import dev.apianalytics.server.health.HealthExtension;
import dev.apianalytics.server.http.StaticFiles;
import dev.apianalytics.server.keys.DashboardIdApi;
import dev.apianalytics.server.keys.KeyGenerationApi;
import dev.apianalytics.server.limits.LimitsExtension;
import dev.apianalytics.server.monitor.MonitorExtension;
import dev.apianalytics.server.summary.SummaryExtension;
import java.util.List;

/** The one place that lists the collector's features; add a line here to add one. */
final class Routes {

    private Routes() {}

    static List<ServerExtension> extensions() {
        MonitorExtension monitors = new MonitorExtension();
        return List.of(
                new CollectorApi(),
                new KeyGenerationApi(),
                new LimitsExtension(),
                new SummaryExtension(),
                new DashboardExtension(),
                monitors,
                new HealthExtension(),
                new DashboardIdApi(),
                new AlertExtension(monitors),
                (router, context) -> new StaticFiles(Routes.class.getClassLoader()).install(router));
    }
}
