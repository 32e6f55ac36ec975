package io.vertebra.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import io.vertebra.runtime.rest.entities.ConfigInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /connector-plugins/{class}/config/validate} must not be a way to read the node's files and environment: the
 * answer names keys and placeholders, never what a placeholder resolved to, and providers read only what the worker
 * config allows (issue 14, finding 2).
 */
class ConfigValidatorLeakTest {
    @TempDir
    Path dir;

    /** A connector with an INT key: any non-number is quoted back by ConfigDef's "Invalid value ..." message. */
    public static class PositionConnector extends SourceConnector {
        @Override
        public ConfigDef config() {
            return new ConfigDef()
                    .define("start.position", ConfigDef.Type.INT, 0, ConfigDef.Importance.HIGH, "Where to start.")
                    .define("note", ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, "Free text.");
        }

        @Override
        public void start(Map<String, String> props) {}

        @Override
        public Class<? extends Task> taskClass() {
            return null;
        }

        @Override
        public List<Map<String, String>> taskConfigs(int maxTasks) {
            return List.of();
        }

        @Override
        public void stop() {}

        @Override
        public String version() {
            return "1";
        }
    }

    private static final PluginRegistry REGISTRY = new PluginRegistry(List.of(new PluginDesc(
            PositionConnector.class.getName(),
            PluginType.SOURCE,
            "1",
            ConfigValidatorLeakTest.class.getClassLoader(),
            null)));

    private static ConfigProviders providers(String... kv) {
        Map<String, String> c = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            c.put(kv[i], kv[i + 1]);
        }
        return ConfigProviders.fromWorkerConfig(new WorkerConfig(c), ConfigValidatorLeakTest.class.getClassLoader());
    }

    private static String validate(ConfigProviders providers, String key, String value) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", PositionConnector.class.getName());
        config.put("name", "probe");
        config.put(key, value);
        ConfigInfos infos = new ConfigValidator(REGISTRY, providers).validate(config);
        return infos.toString() + "\n" + ConfigValidator.invalidMessage(infos);
    }

    @Test
    void aDefaultWorkerResolvesNoFileDirectoryOrEnvironmentPlaceholder() {
        assumeTrue(Files.isReadable(Path.of("/etc/passwd")), "needs a POSIX /etc/passwd");
        String home = System.getenv("HOME");
        try (ConfigProviders none = providers()) {
            for (String placeholder : List.of("${directory:/etc:passwd}", "${file:/etc/passwd:root}", "${env:HOME}")) {
                String answer = validate(none, "start.position", placeholder);
                assertFalse(answer.contains("root:x:"), answer);
                assertFalse(answer.contains("/bin/"), answer);
                assertFalse(home != null && answer.contains(home), answer);
                assertTrue(answer.contains(placeholder), "the answer names the placeholder: " + answer);
                assertTrue(answer.contains("start.position"), answer);
                assertTrue(answer.contains("is enabled on this worker"), answer);
            }
        }
    }

    @Test
    void aPathOutsideAllowedPathsIsRefusedNamingTheSetting() {
        assumeTrue(Files.isReadable(Path.of("/etc/passwd")), "needs a POSIX /etc/passwd");
        try (ConfigProviders confined = providers(
                "config.providers",
                "file,directory,env",
                "config.providers.file.param.allowed.paths",
                dir.toString(),
                "config.providers.directory.param.allowed.paths",
                dir.toString(),
                "config.providers.env.param.allowlist.pattern",
                "VERTEBRA_TEST_NOTHING_.*")) {
            String file = validate(confined, "note", "${file:/etc/passwd:root}");
            assertFalse(file.contains("/bin/"), file);
            assertTrue(file.contains("${file:/etc/passwd:root} was not resolved"), file);
            assertTrue(file.contains("outside config.providers.file.param.allowed.paths (" + dir + ")"), file);
            String directory = validate(confined, "note", "${directory:/etc:passwd}");
            assertFalse(directory.contains("root:x:"), directory);
            assertTrue(directory.contains("config.providers.directory.param.allowed.paths"), directory);
            String env = validate(confined, "note", "${env:HOME}");
            assertFalse(System.getenv("HOME") != null && env.contains(System.getenv("HOME")), env);
            assertTrue(env.contains("allowlist.pattern"), env);
        }
    }

    @Test
    void anAllowedSecretResolvesButIsNeverQuotedBack() throws Exception {
        Files.writeString(dir.resolve("position"), "forty-two-s3cret\n");
        Files.writeString(dir.resolve("ok.properties"), "position=42\n");
        try (ConfigProviders confined = providers(
                "config.providers", "file,directory",
                "config.providers.file.param.allowed.paths", dir.toString(),
                "config.providers.directory.param.allowed.paths", dir.toString())) {
            String placeholder = "${directory:" + dir + ":position}";
            String bad = validate(confined, "start.position", placeholder);
            assertFalse(bad.contains("forty-two-s3cret"), bad);
            assertTrue(bad.contains("Invalid value " + placeholder + " for configuration start.position"), bad);
            ConfigInfos good = new ConfigValidator(REGISTRY, confined)
                    .validate(Map.of(
                            "connector.class",
                            PositionConnector.class.getName(),
                            "name",
                            "ok",
                            "start.position",
                            "${file:" + dir.resolve("ok.properties") + ":position}"));
            assertEquals(0, good.errorCount(), good.toString());
        }
    }

    @Test
    void fileDirectoryAndEnvProvidersMustBeConfined() {
        ConfigException file = assertThrows(ConfigException.class, () -> providers("config.providers", "file"));
        assertTrue(file.getMessage().contains("config.providers.file.param.allowed.paths"), file.getMessage());
        ConfigException env = assertThrows(ConfigException.class, () -> providers("config.providers", "env"));
        assertTrue(env.getMessage().contains("config.providers.env.param.allowlist.pattern"), env.getMessage());
        ConfigException dirs = assertThrows(
                ConfigException.class,
                () -> providers(
                        "config.providers",
                        "secrets",
                        "config.providers.secrets.class",
                        "org.apache.kafka.common.config.provider.DirectoryConfigProvider"));
        assertTrue(dirs.getMessage().contains("config.providers.secrets.param.allowed.paths"), dirs.getMessage());
    }
}
