package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Paths in a node config file are relative to the file, not to wherever the shell happens to be. */
class StartCommandTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsInTheConfigFileResolveAgainstItsDirectoryAndFlagsAgainstTheShell() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path config = Files.writeString(
                etc.resolve("node.yaml"),
                "data.dir: data\nplugin.path: plugins, /opt/more\nrest.ssl.keystore.location: tls/rest.p12\n"
                        + "group.id: g\nconnector.allowed.dirs: [in, /var/log/app]\n");
        StartCommand start = new StartCommand();
        new CommandLine(start).parseArgs("--config", config.toString());
        Map<String, String> values = start.effectiveConfig();
        assertEquals(etc.resolve("data").toString(), values.get(NodeConfig.DATA_DIR));
        assertEquals(etc.resolve("plugins") + ",/opt/more", values.get(NodeConfig.PLUGIN_PATH));
        assertEquals(etc.resolve("tls/rest.p12").toString(), values.get("rest.ssl.keystore.location"));
        assertEquals("g", values.get(NodeConfig.GROUP_ID));
        assertEquals(etc.resolve("in") + ",/var/log/app", values.get("connector.allowed.dirs"));

        StartCommand flagged = new StartCommand();
        new CommandLine(flagged).parseArgs("--config", config.toString(), "--plugin-path", "my-plugins");
        assertEquals("my-plugins", flagged.effectiveConfig().get(NodeConfig.PLUGIN_PATH));
    }

    @Test
    void aMissingPluginDirectoryIsNamed() throws Exception {
        Path present = Files.createDirectories(dir.resolve("plugins"));
        NodeConfig config = new NodeConfig(Map.of(NodeConfig.PLUGIN_PATH, present + "," + dir.resolve("nope")));
        assertEquals(List.of(dir.resolve("nope")), config.missingPluginDirs());
    }
}
