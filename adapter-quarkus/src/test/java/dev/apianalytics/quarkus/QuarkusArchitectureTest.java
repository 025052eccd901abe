package dev.apianalytics.quarkus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** An adapter builds on core alone: never on the server, the test kit or another adapter. */
class QuarkusArchitectureTest {

    @Test
    void theAdapterImportsNeitherTheServerNorAnotherAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.apianalytics.servlet..", "dev.apianalytics.javalin..", "dev.apianalytics.vertx..", "dev.apianalytics.micronaut..", "dev.apianalytics.testkit..", "dev.apianalytics.server..")
                .check(new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                        .importPackages("dev.apianalytics.quarkus"));
    }
}
