package io.vertebra.connect.parquet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Parquet sink is an ordinary Kafka Connect plugin: it sees the JDK, connect-api (with the kafka-clients classes
 * it exposes), slf4j, the bundled directory confinement, parquet-hadoop and the Hadoop FileSystem API (plus S3A for pending-upload cleanup), and
 * nothing of Vertebra's runtime or log engine.
 */
class ModuleBoundariesTest {
    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(
                    ImportOption.Predefined.DO_NOT_INCLUDE_JARS) // the plugin's classes; no need to scan Hadoop
            .importPackages("io.vertebra.connect.parquet");

    @Test
    void neverDependsOnTheRuntimeOrTheLogEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertebra.runtime..", "io.vertebra.log..", "io.vertebra.node..")
                .check(PLUGIN);
    }

    @Test
    void usesOnlyConnectApiParquetAndHadoop() {
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "io.vertebra.connect.parquet..",
                        "io.vertebra.connect.confine..",
                        "org.apache.kafka.connect.connector..",
                        "org.apache.kafka.connect.data..",
                        "org.apache.kafka.connect.errors..",
                        "org.apache.kafka.connect.sink..",
                        "org.apache.kafka.clients.consumer",
                        "org.apache.kafka.common",
                        "org.apache.kafka.common.config..",
                        "org.apache.parquet..",
                        "org.apache.hadoop.conf..",
                        "org.apache.hadoop.fs..",
                        "software.amazon.awssdk.services.s3.model..",
                        "org.slf4j..")
                .check(PLUGIN);
    }

    @Test
    void onlyTheS3CleanupTouchesS3AOrTheAwsSdk() {
        noClasses()
                .that()
                .doNotHaveSimpleName("S3PendingUploads")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.hadoop.fs.s3a..", "software.amazon..")
                .check(PLUGIN);
    }
}
