package dev.apianalytics.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core is what everything else builds on: it knows no adapter, no test kit and not the server,
 * and its public face is its API alone (listed in {@link #API}, explained in core's package-info).
 */
class ArchitectureTest {

    private static final String CORE = "dev.apianalytics.core";
    private static final String INTERNAL = CORE + ".internal";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(CORE);

    /**
     * Every public type of core outside {@code core.internal}, and why it is public. A type
     * added here must be added, with its reason, to core's package-info too.
     */
    private static final Map<String, String> API = Map.ofEntries(
            entry("ApiAnalytics", "what adapters create and call on each request"),
            entry("Config", "the one configuration of every adapter"),
            entry("Config$Builder", "returned by Config.builder() and Config.fromSettings()"),
            entry("Config$Setting", "a row of the settings table Config.settings() returns"),
            entry("Config$Customizer", "what Spring, Micronaut and Quarkus applications declare as a bean"),
            entry("RequestView", "what a RequestMapper reads; adapters implement it"),
            entry("RequestMapper", "users' mappers of path, address, host, user agent and user id"),
            entry("PrivacyLevel", "a Config setting"),
            entry("UploaderStats", "the record ApiAnalytics.stats() returns"),
            entry("UploaderStats$PostOutcome", "the outcomes UploaderStats counts posts by"),
            entry("UploaderStats$PostTimes", "the post count and times UploaderStats returns per outcome"),
            entry("ApiAnalyticsMXBean", "JMX introspects only a public MXBean interface"),
            entry("micrometer.ApiAnalyticsMetrics", "the Micrometer MeterBinder applications bind"));

    @Test
    void coreImportsNoAdapterAndNotTheServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.apianalytics.servlet..", "dev.apianalytics.javalin..", "dev.apianalytics.vertx..",
                        "dev.apianalytics.micronaut..", "dev.apianalytics.quarkus..", "dev.apianalytics.spring..", "dev.apianalytics.testkit..",
                        "dev.apianalytics.server..")
                .check(MAIN);
    }

    @Test
    void publicTypesOutsideInternalAreTheListedApi() {
        List<String> publicTypes = apiTypes().map(ArchitectureTest::shortName).sorted().toList();
        assertThat(publicTypes)
                .as("public types of dev.apianalytics.core outside core.internal: a type that is not API becomes "
                        + "package-private or moves to core.internal (its javadoc saying it is not API); one that is "
                        + "API is added, with the reason, to ArchitectureTest.API and core's package-info")
                .containsExactlyInAnyOrderElementsOf(API.keySet());
    }

    @Test
    void theApiHandsOutNoInternalType() {
        List<String> leaks = new ArrayList<>();
        apiTypes().forEach(type -> {
            List<JavaMember> members = new ArrayList<>(type.getMethods());
            members.addAll(type.getConstructors());
            members.addAll(type.getFields());
            for (JavaMember member : members) {
                if (!member.getModifiers().contains(JavaModifier.PUBLIC)
                        && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                    continue;
                }
                List<JavaClass> signature = new ArrayList<>();
                if (member instanceof JavaCodeUnit code) {
                    signature.add(code.getRawReturnType());
                    signature.addAll(code.getRawParameterTypes());
                } else if (member instanceof JavaField field) {
                    signature.add(field.getRawType());
                }
                if (signature.stream().anyMatch(part -> part.getPackageName().startsWith(INTERNAL))) {
                    leaks.add(member.getFullName());
                }
            }
        });
        assertThat(leaks).as("public members of core's API whose signature names a core.internal type").isEmpty();
    }

    @Test
    void publicInternalTypesSayTheyAreNotApi() throws IOException {
        List<String> silent = new ArrayList<>();
        for (JavaClass type : MAIN) {
            if (type.getPackageName().equals(INTERNAL) && isPublic(type) && !type.isNestedClass()) {
                Path source = Path.of("src/main/java", type.getName().replace('.', '/') + ".java");
                if (!Files.readString(source).toLowerCase(Locale.ROOT).contains("not api")) {
                    silent.add(type.getSimpleName());
                }
            }
        }
        assertThat(silent).as("public types of core.internal whose javadoc does not say they are not API").isEmpty();
    }

    /** Public types, nested ones included when every enclosing type is public, outside core.internal. */
    private static Stream<JavaClass> apiTypes() {
        return MAIN.stream()
                .filter(type -> !type.getPackageName().startsWith(INTERNAL))
                .filter(ArchitectureTest::isPublic);
    }

    private static boolean isPublic(JavaClass type) {
        return type.getModifiers().contains(JavaModifier.PUBLIC)
                && type.getEnclosingClass().map(ArchitectureTest::isPublic).orElse(true);
    }

    /** The name relative to core's package: {@code Config$Builder}, {@code micrometer.ApiAnalyticsMetrics}. */
    private static String shortName(JavaClass type) {
        return type.getName().substring(CORE.length() + 1);
    }
}
