package dev.apianalytics.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The starter builds on core and the servlet adapter alone: never on the server, the test kit or another adapter. */
class SpringArchitectureTest {

    @Test
    void theStarterImportsNeitherTheServerNorAnotherAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.apianalytics.javalin..", "dev.apianalytics.vertx..", "dev.apianalytics.micronaut..",
                        "dev.apianalytics.quarkus..", "dev.apianalytics.testkit..", "dev.apianalytics.server..")
                .check(new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                        .importPackages("dev.apianalytics.spring"));
    }
}
