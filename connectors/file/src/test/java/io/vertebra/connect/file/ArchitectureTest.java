package io.vertebra.connect.file;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/**
 * The file connectors are an ordinary Kafka Connect plugin: they may see the Connect API (and the few kafka-clients
 * classes that API is made of), slf4j, the JDK, the bundled directory confinement and the one library they bundle, never Vertebra's runtime or log.
 */
class ArchitectureTest {
    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vertebra.connect.file");

    @Test
    void dependsOnlyOnTheConnectApiSlf4jTheJdkAndItsBundledJackson() {
        classes()
                .that()
                .resideInAPackage("io.vertebra.connect.file..")
                .should()
                .onlyDependOnClassesThat(resideInAnyPackage(
                                "io.vertebra.connect.file..",
                                "io.vertebra.connect.confine..",
                                "java..",
                                "javax..",
                                "org.apache.kafka.connect..",
                                "org.apache.kafka.common",
                                "org.apache.kafka.common.config..",
                                "org.apache.kafka.common.utils..",
                                "org.slf4j..",
                                "com.fasterxml.jackson.core..")
                        .or(equivalentTo(OffsetAndMetadata.class))) // in SinkTask.flush's signature
                .because("a Connect plugin sees only what the Connect worker shares with it")
                .check(PLUGIN);
    }

    @Test
    void neverReachesIntoVertebraRuntimeOrLog() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertebra.runtime..", "io.vertebra.log..", "io.vertebra.node..")
                .because("the plugin must also run unchanged inside Apache Kafka Connect")
                .check(PLUGIN);
    }
}
