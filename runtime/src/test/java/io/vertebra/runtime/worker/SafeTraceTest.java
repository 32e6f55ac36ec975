package io.vertebra.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed connector's or task's trace (status topic, log) quotes placeholders and masks, never secrets. */
class SafeTraceTest {
    @TempDir
    Path dir;

    @Test
    void aPluginExceptionQuotingItsConfigShowsPlaceholdersAndMasks() throws Exception {
        Files.writeString(dir.resolve("db-password"), "resolved-s3cret");
        Map<String, String> raw = Map.of(
                "connection.password", "${directory:" + dir + ":db-password}",
                "aws.secret.access.key", "literal-aws-secret",
                "connection.url", "jdbc:postgresql://u:url-secret@db/shop");
        try (ConfigProviders providers = ConfigProviders.fromWorkerConfig(
                new WorkerConfig(Map.of(
                        "config.providers",
                        "directory",
                        "config.providers.directory.param.allowed.paths",
                        dir.toString())),
                SafeTraceTest.class.getClassLoader())) {
            Throwable failure = new RuntimeException(
                    "login failed",
                    new ConfigException("cannot connect to jdbc:postgresql://u:url-secret@db/shop with password"
                            + " resolved-s3cret and key literal-aws-secret"));
            String trace = TaskRunner.safeTrace(failure, raw, providers);
            for (String secret : new String[] {"resolved-s3cret", "literal-aws-secret", "url-secret"}) {
                assertFalse(trace.contains(secret), secret + " in " + trace);
            }
            assertTrue(trace.contains("with password ${directory:" + dir + ":db-password}"), trace);
            assertTrue(trace.contains("jdbc:postgresql://u:[hidden]@db/shop"), trace);
            assertTrue(trace.contains("key [hidden]"), trace);
        }
    }
}
