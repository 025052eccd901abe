package dev.apianalytics.spring;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.internal.SettingNames;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d{1,6})]");

    private SpringSettings() {}

    static Config config(Environment environment, ObjectProvider<Config.Customizer> customizers) {
        try {
            // Spring's relaxed binding already reads privacyLevel and API_ANALYTICS_PRIVACYLEVEL for
            // privacy-level; the names are only listed so that a misspelt key is reported
            Set<String> names = propertyNames(environment);
            Map<String, String> lists = indexedLists(names, environment);
            names.removeIf(name -> name.endsWith("]"));
            names.addAll(lists.keySet());
            Map<String, String> settings = SettingNames.read(PREFIX, names,
                    name -> environment.getProperty(name, lists.get(name)), "the application's properties");
            Config.Builder builder = Config.fromSettings(settings::get);
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: "
                    + e.getMessage().replace("(setting ", "(property " + PREFIX), e);
        }
    }

    /**
     * YAML lists ({@code exclude-paths: [/health, /metrics]}) reach the environment as indexed
     * names, {@code exclude-paths[0]} and so on: each list joined with commas under its own name,
     * the form the settings table reads.
     */
    private static Map<String, String> indexedLists(Set<String> names, Environment environment) {
        Map<String, TreeMap<Integer, String>> items = new TreeMap<>();
        for (String name : names) {
            Matcher indexed = INDEXED.matcher(name);
            String value = environment.getProperty(name);
            if (indexed.matches() && value != null) {
                items.computeIfAbsent(indexed.group(1), list -> new TreeMap<>())
                        .put(Integer.parseInt(indexed.group(2)), value);
            }
        }
        Map<String, String> lists = new LinkedHashMap<>();
        items.forEach((name, values) -> lists.put(name, String.join(",", values.values())));
        return lists;
    }

    /** Every name the environment can list; sources that cannot list theirs are still read by key. */
    private static Set<String> propertyNames(Environment environment) {
        Set<String> names = new LinkedHashSet<>();
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        if (name.startsWith(PREFIX)) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }
}
