package dev.apianalytics.quarkus;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.core.internal.SettingNames;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the one {@link Config} from application.properties (the keys of
 * {@link Config#settings()} under {@code api-analytics.}, such as
 * {@code api-analytics.flush-interval=5s}), then the named mapper beans, then the
 * {@link Config.Customizer} beans. An unknown key under the prefix is ignored with a warning
 * naming the closest known one.
 */
@Singleton
public final class ApiAnalyticsSettings {

    static final String PREFIX = "api-analytics.";

    private final org.eclipse.microprofile.config.Config properties;
    private final Instance<RequestMapper> mappers;
    private final Instance<Config.Customizer> customizers;

    ApiAnalyticsSettings(org.eclipse.microprofile.config.Config properties,
            @Any Instance<RequestMapper> mappers, @Any Instance<Config.Customizer> customizers) {
        this.properties = properties;
        this.mappers = mappers;
        this.customizers = customizers;
    }

    /** The validated configuration; an invalid value fails with a message naming the property. */
    public Config config() {
        try {
            Config.Builder builder = read(properties);
            mapper("getPath", builder::path);
            mapper("getIpAddress", builder::ipAddress);
            mapper("getHostname", builder::hostname);
            mapper("getUserAgent", builder::userAgent);
            mapper("getUserId", builder::userId);
            for (Config.Customizer customizer : customizers) {
                customizer.customize(builder);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: "
                    + e.getMessage().replace("(setting ", "(property " + PREFIX), e);
        }
    }

    /** The {@code api-analytics.*} settings of a MicroProfile configuration, before mappers and customizers. */
    static Config.Builder read(org.eclipse.microprofile.config.Config properties) {
        Map<String, String> settings = SettingNames.read(PREFIX, properties.getPropertyNames(),
                name -> properties.getOptionalValue(name, String.class).orElse(null), "the application's configuration");
        return Config.fromSettings(settings::get);
    }

    private void mapper(String name, Consumer<RequestMapper> setter) {
        Instance<RequestMapper> named = mappers.select(NamedLiteral.of(name));
        if (named.isResolvable()) {
            setter.accept(named.get());
        }
    }
}
