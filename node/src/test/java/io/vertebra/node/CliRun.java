package io.vertebra.node;

import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of the {@code vertebra} CLI as a user runs it ({@code java -jar vertebra.jar ARGS} in a directory, with
 * {@code VERTEBRA_URL} and {@code VERTEBRA_BOOTSTRAP} naming the node): what it printed and how it exited.
 */
record CliRun(int exit, String out, String err) {
    /**
     * The CLI is a short-lived JVM started dozens of times per test class: the client compiler alone and the serial
     * collector start it about a third faster on a small machine (JIT and GC choices, not behaviour).
     */
    static final List<String> QUICK_START_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static CliRun run(Path workDir, String url, String bootstrap, String stdin, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(ProjectLayout.javaBinary().toString(), "-Xmx256m"));
        command.addAll(QUICK_START_JVM);
        command.addAll(List.of("-jar", NodeProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(workDir.toFile());
        b.environment().put("VERTEBRA_URL", url);
        b.environment().put("VERTEBRA_BOOTSTRAP", bootstrap);
        Process p = b.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("vertebra " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new CliRun(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
