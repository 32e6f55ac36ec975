package io.vertebra.connect.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The JDBC sink is an ordinary Kafka Connect plugin: it sees the JDK, connect-api (with the kafka-clients classes it
 * exposes), slf4j, HikariCP and the PostgreSQL driver, and nothing of Vertebra's runtime or log engine.
 */
class ModuleBoundariesTest {
    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vertebra.connect.jdbc");

    @Test
    void neverDependsOnTheRuntimeOrTheLogEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertebra.runtime..", "io.vertebra.log..", "io.vertebra.node..")
                .check(PLUGIN);
    }

    @Test
    void usesOnlyConnectApiHikariAndThePostgresDriver() {
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "javax.sql..",
                        "io.vertebra.connect.jdbc..",
                        "org.apache.kafka.connect.connector..",
                        "org.apache.kafka.connect.data..",
                        "org.apache.kafka.connect.errors..",
                        "org.apache.kafka.connect.sink..",
                        "org.apache.kafka.common",
                        "org.apache.kafka.common.config..",
                        "com.zaxxer.hikari..",
                        "org.postgresql..",
                        "org.slf4j..")
                .check(PLUGIN);
    }
}
