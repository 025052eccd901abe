package dev.apianalytics.spring;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.internal.SettingNames;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Builds the one {@link Config} from the {@code api-analytics.*} properties (the keys of
 * {@link Config#settings()}), then the {@link Config.Customizer} beans in their order.
 */
final class SpringSettings {

    static final String PREFIX = "api-analytics.";

    private SpringSettings() {}

    static Config config(Environment environment, ObjectProvider<Config.Customizer> customizers) {
        try {
            // Spring's relaxed binding already reads privacyLevel and API_ANALYTICS_PRIVACYLEVEL for
            // privacy-level; the names are only listed so that a misspelt key is reported
            Map<String, String> settings = SettingNames.read(PREFIX, propertyNames(environment),
                    environment::getProperty, "the application's properties");
            Config.Builder builder = Config.fromSettings(settings::get);
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: "
                    + e.getMessage().replace("(setting ", "(property " + PREFIX), e);
        }
    }

    /** Every name the environment can list; sources that cannot list theirs are still read by key. */
    private static Set<String> propertyNames(Environment environment) {
        Set<String> names = new LinkedHashSet<>();
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        // "enabled" is the starter's switch, not a setting of Config
                        if (name.startsWith(PREFIX) && !name.equals(PREFIX + "enabled")) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }
}
