package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import java.lang.System.Logger.Level;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the settings under one prefix from a framework's configuration into the lookup
 * {@link Config#fromSettings} takes. Keys are matched in kebab-case or camelCase
 * ({@code privacy-level} or {@code privacyLevel}), as Spring Boot's and Micronaut's relaxed
 * binding do; any other key under the prefix is logged once as a warning naming the closest
 * known key. For the adapters of this project only: not API.
 */
public final class SettingNames {

    private static final System.Logger LOGGER = System.getLogger("dev.apianalytics");
    private static final Set<String> KNOWN =
            Config.settings().stream().map(Config.Setting::name).collect(Collectors.toUnmodifiableSet());

    /**
     * The adapters' on/off switch under the prefix ({@code api-analytics.enabled} of the Spring
     * Boot starter, Micronaut and Quarkus): read by the adapter itself, not a setting of
     * {@link Config}, and never warned about.
     */
    public static final String SWITCH = "enabled";

    private SettingNames() {}

    /**
     * The settings under {@code prefix}, by kebab-case key without the prefix: each known key
     * read directly (so that sources which list no names, such as environment variables, still
     * count), then the camelCase spellings among {@code names}. A name under the prefix that
     * is no setting nor the {@link #SWITCH}, and has a value of its own, is logged as a warning.
     *
     * @param prefix such as {@code api-analytics.}, or empty when every name is a setting
     * @param names the framework's property names; those outside the prefix are skipped
     * @param value a name's value as the framework reads it, or {@code null}
     * @param where where the names come from, for the warning (such as {@code application.properties})
     */
    public static Map<String, String> read(String prefix, Iterable<String> names, Function<String, String> value, String where) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (Config.Setting setting : Config.settings()) {
            String read = value.apply(prefix + setting.name());
            if (read != null) {
                settings.put(setting.name(), read);
            }
        }
        for (String name : names) {
            if (!name.startsWith(prefix)) {
                continue;
            }
            String key = kebab(name.substring(prefix.length()));
            if (KNOWN.contains(key)) {
                if (!settings.containsKey(key)) {
                    String read = value.apply(name);
                    if (read != null) {
                        settings.put(key, read);
                    }
                }
            } else if (!key.equals(SWITCH) && value.apply(name) != null) {
                LOGGER.log(Level.WARNING, "API Analytics ignores the unknown setting " + name + " in " + where
                        + "; did you mean " + prefix + closest(key) + "?");
            }
        }
        return settings;
    }

    /** {@code privacyLevel} and {@code privacy-level} both read as {@code privacy-level}. */
    static String kebab(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && name.charAt(i - 1) != '-') {
                    out.append('-');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    static String closest(String key) {
        return KNOWN.stream()
                .min(Comparator.comparingInt((String known) -> distance(key, known)).thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
    }

    /** Levenshtein edit distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
