package dev.apianalytics.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every setting of {@link Config#settings()} reaches the filter as a web.xml init parameter of the same name. */
class InitParameterSettingsTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    static List<Config.Setting> settings() {
        return Config.settings();
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everySettingIsAnInitParameter(Config.Setting setting) throws Exception {
        Config expected = Config.fromSettings(Map.of(setting.name(), setting.example())::get).build();

        Config actual = start(Map.of(setting.name(), setting.example())).analytics().config();

        assertThat(actual).isEqualTo(expected).isNotEqualTo(Config.builder().build());
    }

    private ApiAnalyticsFilter start(Map<String, String> initParameters) throws Exception {
        server = new Server(); // no connector: the filter starts with its context
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(ApiAnalyticsFilter.class);
        filter.setInitParameters(initParameters);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.setStopAtShutdown(false);
        server.start();
        return (ApiAnalyticsFilter) filter.getFilter();
    }
}
