package dev.apianalytics.servlet;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.internal.SettingNames;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Map;

/**
 * The filter's configuration from {@code web.xml} init parameters, named as in
 * {@link Config#settings()} ({@code api-key}, {@code server-url}, {@code flush-interval}, ...).
 * Each is optional; a blank {@code api-key} disables analytics with a warning, a bad value
 * fails the filter's start with a message naming the parameter, and an unknown parameter is
 * ignored with a warning naming the closest known one.
 */
final class InitParameters {

    private InitParameters() {}

    static Config toConfig(FilterConfig filter) throws ServletException {
        try {
            Map<String, String> settings = SettingNames.read("", Collections.list(filter.getInitParameterNames()),
                    filter::getInitParameter, "the init parameters of filter '" + filter.getFilterName() + "'");
            return Config.fromSettings(settings::get).build();
        } catch (IllegalArgumentException e) {
            throw new ServletException("API Analytics filter '" + filter.getFilterName() + "': "
                    + e.getMessage().replace("(setting ", "(init-param "), e);
        }
    }
}
