package io.vertebra.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A process started by a test: its output is captured line by line (and copied to a log file), so tests can
 * await a line instead of sleeping, and it can be killed with SIGKILL, stopped with SIGTERM, frozen with SIGSTOP.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread pump;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.pump = new Thread(() -> pump(logFile), "output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code command} in {@code workDir} with stdout and stderr merged; output also goes to {@code logFile}. */
    public static ChildProcess start(
            String name, List<String> command, Path workDir, Map<String, String> env, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment().putAll(env);
        try {
            if (logFile != null) {
                Files.createDirectories(logFile.toAbsolutePath().getParent());
            }
            return new ChildProcess(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** A child JVM running {@code mainClass} with the given class path, heap limit and arguments. */
    public static ChildProcess startJava(
            String name,
            String classPath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path workDir,
            Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(ProjectLayout.javaBinary().toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return start(name, command, workDir, Map.of(), logFile);
    }

    private void pump(Path logFile) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            var out = logFile == null ? null : Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                    if (out != null) {
                        out.write(line);
                        out.newLine();
                        out.flush();
                    }
                }
            } finally {
                if (out != null) {
                    out.close();
                }
            }
        } catch (IOException ignored) {
            // the process died; what it printed so far stays in lines
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String output() {
        return String.join("\n", lines);
    }

    /** Waits until a printed line matches, failing early (with the output) if the process exits first. */
    public String awaitLine(Predicate<String> matcher, Duration timeout) {
        String[] found = new String[1];
        Awaitility.await(name + " prints the expected line")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (String line : lines) {
                        if (matcher.test(line)) {
                            found[0] = line;
                            return true;
                        }
                    }
                    if (!process.isAlive()) {
                        pump.join(2000);
                        throw new IllegalStateException(name + " exited with " + process.exitValue()
                                + " before printing the expected line. Output:\n" + output());
                    }
                    return false;
                });
        return found[0];
    }

    public String awaitLineContaining(String text, Duration timeout) {
        return awaitLine(line -> line.contains(text), timeout);
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout + ". Output:\n" + output());
            }
            pump.join(5000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no shutdown hooks, no flush — the crash case. */
    public void kill() {
        signal("KILL");
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, then waits for a clean exit; returns the exit code. */
    public int terminate(Duration timeout) {
        signal("TERM");
        return awaitExit(timeout);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
