package io.vertebra.runtime;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The runtime reaches the log only through kafka-clients, and re-implements Kafka Connect instead of reusing it. */
class ArchitectureTest {
    private final JavaClasses runtime = new ClassFileImporter().importPath(java.nio.file.Path.of("target/classes"));

    @Test
    void runtimeNeverTouchesTheLogEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vertebra.log..")
                .check(runtime);
    }

    /**
     * Of connect-runtime, the runtime uses only what plugins see in practice ({@code InternalSinkRecord} and its
     * {@code ProcessingContext}): the worker itself is ours.
     */
    @Test
    void runtimeUsesOfConnectRuntimeOnlyTheRecordTypesPluginsSee() {
        noClasses()
                .should()
                .dependOnClassesThat(resideInAPackage("org.apache.kafka.connect.runtime..")
                        .and(not(type(org.apache.kafka.connect.runtime.InternalSinkRecord.class)))
                        .and(not(type(org.apache.kafka.connect.runtime.errors.ProcessingContext.class))))
                .check(runtime);
    }
}
