package dev.apianalytics.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Core is what everything else builds on: it knows no adapter, no test kit and not the server. */
class ArchitectureTest {

    @Test
    void coreImportsNoAdapterAndNotTheServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "dev.apianalytics.servlet..", "dev.apianalytics.javalin..", "dev.apianalytics.vertx..",
                        "dev.apianalytics.micronaut..", "dev.apianalytics.quarkus..", "dev.apianalytics.spring..", "dev.apianalytics.testkit..",
                        "dev.apianalytics.server..")
                .check(new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                        .importPackages("dev.apianalytics.core"));
    }
}
