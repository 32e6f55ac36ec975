package io.vertebra.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The runtime reaches the log only through kafka-clients, and re-implements Kafka Connect instead of reusing it. */
class ArchitectureTest {
    private final JavaClasses runtime = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.vertebra.runtime");

    @Test
    void runtimeNeverTouchesTheLogEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vertebra.log..")
                .check(runtime);
    }

    @Test
    void runtimeDoesNotUseConnectRuntime() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka.connect.runtime..")
                .check(runtime);
    }
}
