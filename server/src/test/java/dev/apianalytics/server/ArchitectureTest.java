package dev.apianalytics.server;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The collector's layers as the code has them: the wiring at the top (Main, CollectorServer,
 * CollectorApi) sees everything; features (ingest, data, dashboard, monitor, retention) see
 * the root types they are handed (ServerConfig and its flags, ServerContext, ServerExtension),
 * which see the services (keys, the summaries), which see the base (http, storage, enrich).
 * Nothing imports upwards.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.apianalytics.server";
    private static final Set<String> CONTRACTS = Set.of("ServerConfig", "ServerFlags", "ServerContext", "ServerExtension");

    @Test
    void serverPackagesImportOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Wiring").definedBy(inRoot(false))
                .layer("Contracts").definedBy(inRoot(true))
                .layer("Features").definedBy(ROOT + ".ingest..", ROOT + ".data..", ROOT + ".dashboard..",
                        ROOT + ".monitor..", ROOT + ".retention..", ROOT + ".health..")
                .layer("Services").definedBy(ROOT + ".keys..", ROOT + ".summary..", ROOT + ".limits..", ROOT + ".metrics..")
                .layer("Base").definedBy(ROOT + ".http..", ROOT + ".storage..", ROOT + ".enrich..", ROOT + ".net..")
                .withOptionalLayers(true)
                .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("Features").mayOnlyBeAccessedByLayers("Wiring", "Features")
                .whereLayer("Contracts").mayOnlyBeAccessedByLayers("Wiring", "Features", "Services")
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Wiring", "Features", "Contracts")
                .check(new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(ROOT));
    }

    /** The root package's classes: its contracts, or the wiring (everything else there, nested classes included). */
    private static DescribedPredicate<JavaClass> inRoot(boolean contracts) {
        return DescribedPredicate.describe(contracts ? "root contracts" : "root wiring", type -> {
            if (!type.getPackageName().equals(ROOT)) {
                return false;
            }
            String outer = type.getName().substring(ROOT.length() + 1).split("\\$")[0];
            return CONTRACTS.contains(outer) == contracts;
        });
    }
}
