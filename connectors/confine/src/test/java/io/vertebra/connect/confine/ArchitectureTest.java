package io.vertebra.connect.confine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Bundled into Connect plugins: it may see only what every Connect worker shares with a plugin. */
class ArchitectureTest {
    private static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vertebra.connect.confine");

    @Test
    void dependsOnlyOnTheJdkAndKafkaConfigClasses() {
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.vertebra.connect.confine..", "java..", "org.apache.kafka.common.config..")
                .because("the file and Parquet plugins bundle it, and they also run inside Apache Kafka Connect")
                .check(LIBRARY);
    }
}
