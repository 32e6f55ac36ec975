package io.vertebra.connect.confine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths are judged by where they really lead: {@code ..} and symbolic links cannot step out of an allowed directory. */
class AllowedDirsTest {
    @TempDir
    Path dir;

    @Test
    void aPathBelowAnAllowedDirectoryIsAllowedOneOutsideIsNamedWithTheKeyAndTheDirectories() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("in"));
        AllowedDirs dirs = AllowedDirs.of(List.of(allowed));
        assertTrue(dirs.restricted());
        assertEquals(
                java.util.Optional.empty(),
                dirs.problem("file.paths", allowed.resolve("app.log").toString()));
        assertEquals(
                java.util.Optional.empty(),
                dirs.problem("file.path", allowed.resolve("not/yet/there.log").toString()),
                "a file a sink will create");
        String problem = dirs.problem("file.paths", "/etc/passwd").orElseThrow();
        assertTrue(problem.contains("file.paths"), problem);
        assertTrue(problem.contains("/etc/passwd"), problem);
        assertTrue(problem.contains(allowed.toRealPath().toString()), problem);
        assertTrue(problem.contains("connector.allowed.dirs"), problem);
        ConfigException e = assertThrows(ConfigException.class, () -> dirs.check("file.paths", "/etc/passwd"));
        assertEquals(problem, e.getMessage());
        assertTrue(
                dirs.problem("file.paths", dir.resolve("in-other/x").toString()).isPresent(),
                "a sibling sharing the name's prefix is outside");
    }

    @Test
    void dotDotCannotStepOut() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("in"));
        AllowedDirs dirs = AllowedDirs.of(List.of(allowed));
        assertTrue(dirs.problem("file.paths", allowed + "/../../../etc/passwd").isPresent());
        assertTrue(dirs.problem("file.paths", allowed + "/sub/../../secret").isPresent());
        assertFalse(dirs.problem("file.paths", allowed + "/sub/../app.log").isPresent());
    }

    @Test
    void aSymbolicLinkInsideThatLeadsOutsideIsRefusedEvenWhenItsTargetDoesNotExistYet() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("in"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(allowed.resolve("link-to-file"), outside.resolve("secret"));
        Files.createSymbolicLink(allowed.resolve("link-to-dir"), outside);
        Files.createSymbolicLink(allowed.resolve("dangling"), outside.resolve("created-by-a-write"));
        Files.createSymbolicLink(allowed.resolve("relative"), Path.of("../outside/secret"));
        Files.createSymbolicLink(allowed.resolve("inside"), Path.of("."));
        AllowedDirs dirs = AllowedDirs.of(List.of(allowed));
        for (String name : List.of("link-to-file", "link-to-dir/secret", "dangling", "relative")) {
            String problem = dirs.problem("file.path", allowed.resolve(name).toString())
                    .orElseThrow(() -> new AssertionError(name + " is allowed"));
            assertTrue(problem.contains("it leads to " + outside.toRealPath()), problem);
        }
        assertFalse(dirs.problem(
                        "file.path", allowed.resolve("inside/inside/app.log").toString())
                .isPresent());
        // a link's '..' is the parent of its target, not of the link
        assertTrue(
                dirs.problem("file.path", allowed.resolve("link-to-dir/../in/x").toString())
                        .isEmpty());
        assertTrue(dirs.problem(
                        "file.path",
                        allowed.resolve("link-to-dir/../outside/secret").toString())
                .isPresent());
    }

    @Test
    void aLinkLoopIsRefusedNotFollowedForever() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("in"));
        Files.createSymbolicLink(allowed.resolve("a"), allowed.resolve("b"));
        Files.createSymbolicLink(allowed.resolve("b"), allowed.resolve("a"));
        String problem = AllowedDirs.of(List.of(allowed))
                .problem("file.paths", allowed.resolve("a/x").toString())
                .orElseThrow();
        assertTrue(problem.contains("loop"), problem);
    }

    @Test
    void anAllowedDirectoryThatIsALinkAllowsItsTarget() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        AllowedDirs dirs = AllowedDirs.of(List.of(link));
        assertFalse(dirs.problem("file.paths", real.resolve("x").toString()).isPresent());
        assertFalse(dirs.problem("file.paths", link.resolve("x").toString()).isPresent());
    }

    @Test
    void theSystemPropertyRestrictsOnlyWhenSet() {
        String before = System.getProperty(AllowedDirs.PROPERTY);
        try {
            System.clearProperty(AllowedDirs.PROPERTY);
            assertFalse(AllowedDirs.fromSystemProperty().restricted(), "unset: as any Connect plugin, unrestricted");
            assertFalse(AllowedDirs.fromSystemProperty()
                    .problem("file.paths", "/etc/passwd")
                    .isPresent());
            System.setProperty(AllowedDirs.PROPERTY, dir + " , " + dir.resolve("b"));
            assertFalse(AllowedDirs.fromSystemProperty()
                    .problem("k", dir.resolve("x").toString())
                    .isPresent());
            assertTrue(
                    AllowedDirs.fromSystemProperty().problem("k", "/etc/passwd").isPresent());
            System.setProperty(AllowedDirs.PROPERTY, "");
            assertTrue(
                    AllowedDirs.fromSystemProperty()
                            .problem("k", dir.resolve("x").toString())
                            .isPresent(),
                    "set but empty: nothing is allowed");
        } finally {
            if (before == null) {
                System.clearProperty(AllowedDirs.PROPERTY);
            } else {
                System.setProperty(AllowedDirs.PROPERTY, before);
            }
        }
    }
}
