package dev.apianalytics.micronaut;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.core.internal.SettingNames;
import io.micronaut.context.BeanContext;
import io.micronaut.context.env.Environment;
import io.micronaut.core.order.OrderUtil;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the one {@link Config} from the {@code api-analytics.*} properties (the keys of
 * {@link Config#settings()}, such as {@code api-analytics.flush-interval: 5s}), then the named
 * mapper beans, then the {@link Config.Customizer} beans in their order.
 */
@Singleton
final class ApiAnalyticsSetup {

    static final String PREFIX = "api-analytics";
    /** The adapter's switch ({@link SettingNames#SWITCH}): {@code false} registers no filter. */
    static final String ENABLED = PREFIX + "." + SettingNames.SWITCH;

    private final Environment environment;
    private final BeanContext beans;

    ApiAnalyticsSetup(Environment environment, BeanContext beans) {
        this.environment = environment;
        this.beans = beans;
    }

    Config config() {
        try {
            List<String> names = environment.getPropertyEntries(PREFIX).stream().map(name -> PREFIX + "." + name).toList();
            Map<String, String> settings = SettingNames.read(PREFIX + ".", names,
                    name -> environment.getProperty(name, String.class).orElse(null), "the application's configuration");
            Config.Builder builder = Config.fromSettings(settings::get);
            mapper("getPath", builder::path);
            mapper("getIpAddress", builder::ipAddress);
            mapper("getHostname", builder::hostname);
            mapper("getUserAgent", builder::userAgent);
            mapper("getUserId", builder::userId);
            List<Config.Customizer> customizers = new ArrayList<>(beans.getBeansOfType(Config.Customizer.class));
            OrderUtil.sort(customizers);
            for (Config.Customizer customizer : customizers) {
                customizer.customize(builder);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: "
                    + e.getMessage().replace("(setting ", "(property " + PREFIX + "."), e);
        }
    }

    private void mapper(String name, Function<RequestMapper, Config.Builder> setter) {
        beans.findBean(RequestMapper.class, Qualifiers.byName(name)).ifPresent(setter::apply);
    }
}
