package io.vertebra.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Test plugins built on the fly: Java sources compiled against the test class path and jarred as a plugin. */
public final class PluginJars {
    private PluginJars() {}

    /**
     * Compiles {@code sources} into {@code classes} and writes {@code jar} holding them plus a {@code ServiceLoader}
     * manifest naming {@code implementation} as a {@code service}.
     */
    public static void compileAndJar(
            List<Path> sources, Path classes, Path jar, Class<?> service, String implementation) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args =
                new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        sources.forEach(s -> args.add(s.toString()));
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, rc, "the plugin " + implementation + " compiles");
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> compiled = Files.walk(classes)) {
            for (Path c : compiled.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                Files.copy(c, out);
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            out.write((implementation + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
