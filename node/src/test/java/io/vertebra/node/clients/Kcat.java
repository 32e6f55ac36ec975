package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.ProjectLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@code kcat} binary (librdkafka) run as a child process: stdout and stderr captured line by line
 * (separately: kcat prints records on stdout and its own messages, prefixed {@code %}, on stderr), stdin open
 * for a producer fed while it runs. Waiting is on printed lines, never on time.
 */
final class Kcat implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("kcat.binary", "/usr/bin/kcat"));
    static final ObjectMapper JSON = new ObjectMapper();
    /** Where the tests keep the node logs of each run, one directory per test method. */
    static final Path LOGS = ProjectLayout.root().resolve("node/target/kcat-logs");
    /** A delivery report, printed on stderr for each record with {@code -v -v}. */
    static final Pattern DELIVERED =
            Pattern.compile("Message delivered to partition (\\d+) \\(offset (-?\\d+)\\) on broker (-?\\d+)");

    private static final Pattern REBALANCE = Pattern.compile("rebalanced .*: (assigned|revoked): (.*)$");
    private static final Pattern PARTITION = Pattern.compile("\\[(\\d+)\\]");
    /** librdkafka log lines that would mean Vertebra answered something it cannot parse or did not expect. */
    private static final Pattern PROTOCOL_TROUBLE = Pattern.compile(
            "(?i)unsupported|corrupt|bad message format|unknown api|failed to parse|invalid response|malformed");
    /** Every kcat started since the last {@link #closeAll}, so a test can look through what librdkafka logged. */
    static final List<Kcat> STARTED = new CopyOnWriteArrayList<>();

    private final String name;
    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outPump;
    private final Thread errPump;
    private final Object printed = new Object();
    private final List<JsonNode> parsed = new ArrayList<>();
    private int parsedLines;

    private Kcat(String name, List<String> command) {
        this.name = name;
        this.command = command;
        System.out.println("[" + name + "] $ " + String.join(" ", command));
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        stdin = process.getOutputStream();
        outPump = pump(process.getInputStream(), out, "stdout");
        errPump = pump(process.getErrorStream(), err, "stderr");
    }

    /** Fails (not skips) the test when kcat is not installed: the compatibility claim needs the real client. */
    static void requireInstalled() {
        assertTrue(
                Files.isExecutable(BINARY),
                "kcat is not installed at " + BINARY + " (install it with `apt-get install kcat`,"
                        + " or point -Dkcat.binary at it)");
    }

    /** Starts {@code kcat -b bootstrap args...}. */
    static Kcat start(String name, String bootstrap, String... args) {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.add("-b");
        command.add(bootstrap);
        command.addAll(List.of(args));
        Kcat kcat = new Kcat(name, command);
        STARTED.add(kcat);
        return kcat;
    }

    /** The arguments of a keyed ({@code -K:}) idempotent acks=all producer into {@code topic}, then {@code more}. */
    static String[] idempotentProducer(String topic, String... more) {
        List<String> args =
                new ArrayList<>(List.of("-P", "-t", topic, "-K:", "-X", "enable.idempotence=true", "-X", "acks=all"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Runs kcat to completion with {@code input} on stdin and asserts that it exits 0. */
    static Kcat run(String name, String bootstrap, String input, String... args) {
        Kcat kcat = start(name, bootstrap, args);
        if (input != null) {
            kcat.write(input);
        }
        kcat.closeStdin();
        int code = kcat.awaitExit(Duration.ofSeconds(60));
        if (code != 0) {
            throw new AssertionError(kcat.describe("exited with " + code));
        }
        return kcat;
    }

    /**
     * The lifecycle of a kcat test, registered as an instance field: before the test it fails it (never skips it)
     * when kcat is not installed; after it, it kills the kcats left running, stops the nodes started through
     * {@link #start} and keeps their logs in {@code node/target/kcat-logs/<test method>/}.
     */
    static final class Session implements BeforeEachCallback, AfterEachCallback {
        private CompatibilityCluster cluster;

        /** Starts {@code size} nodes in {@code dir} for this test. */
        CompatibilityCluster start(Path dir, int size) {
            cluster = CompatibilityCluster.start(dir, size, "320m", Map.of());
            return cluster;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            requireInstalled();
            STARTED.clear();
        }

        @Override
        public void afterEach(ExtensionContext context) throws IOException {
            closeAll();
            if (cluster != null) {
                cluster.closeKeepingLogs(NodeLogs.emptyDirectory(
                        LOGS.resolve(context.getRequiredTestMethod().getName())));
            }
        }
    }

    /** Kills every kcat still running and forgets them all (after each test). */
    static void closeAll() {
        for (Kcat kcat : STARTED) {
            kcat.close();
        }
        STARTED.clear();
    }

    /**
     * Prints what librdkafka logged in every kcat started (lines like {@code %4|...|FAIL|...}: disconnects are
     * expected after a kill) and fails on anything that points at a protocol problem.
     */
    static void assertNoProtocolTroubleLogged() {
        List<String> trouble = new ArrayList<>();
        for (Kcat kcat : STARTED) {
            for (String line : kcat.stderr()) {
                if (line.matches("^%\\d\\|.*")) {
                    System.out.println("[" + kcat.name() + "] " + line);
                }
                if (PROTOCOL_TROUBLE.matcher(line).find()) {
                    trouble.add(kcat.name() + ": " + line);
                }
            }
        }
        assertEquals(List.of(), trouble, "librdkafka reported protocol trouble");
    }

    /** Waits until the members' latest assignments are non-empty, disjoint and cover all partitions. */
    static List<Set<Integer>> awaitAssignments(List<Kcat> members, int partitions) {
        List<Set<Integer>> shares = new ArrayList<>();
        Awaitility.await("partitions assigned to " + members.size() + " member(s)")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    shares.clear();
                    Set<Integer> union = new HashSet<>();
                    int total = 0;
                    for (Kcat member : members) {
                        assertTrue(member.isAlive(), member.describe("exited"));
                        Set<Integer> share = member.assignment();
                        if (share.isEmpty()) {
                            return false;
                        }
                        shares.add(share);
                        union.addAll(share);
                        total += share.size();
                    }
                    return total == partitions && union.size() == partitions;
                });
        return List.copyOf(shares);
    }

    /** The partitions a kcat -G process holds, from its latest "rebalanced ... assigned/revoked" line. */
    Set<Integer> assignment() {
        Set<Integer> share = new TreeSet<>();
        for (String line : stderr()) {
            Matcher m = REBALANCE.matcher(line);
            if (m.find()) {
                share.clear();
                if (m.group(1).equals("assigned")) {
                    Matcher p = PARTITION.matcher(m.group(2));
                    while (p.find()) {
                        share.add(Integer.parseInt(p.group(1)));
                    }
                }
            }
        }
        return share;
    }

    /** The delivery reports printed so far, each matched against {@link #DELIVERED}. */
    List<Matcher> deliveryReports() {
        return stderr().stream().map(DELIVERED::matcher).filter(Matcher::find).toList();
    }

    private Thread pump(InputStream stream, List<String> lines, String which) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        for (String line; (line = reader.readLine()) != null; ) {
                            lines.add(line);
                            synchronized (printed) {
                                printed.notifyAll();
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    } finally {
                        synchronized (printed) {
                            printed.notifyAll();
                        }
                    }
                },
                name + "-" + which);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    void write(String text) {
        try {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(describe("cannot write to stdin"), e);
        }
    }

    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * Blocks until at least {@code count} stderr lines match, the process exits, or {@code timeout} passes;
     * returns the number matching. Woken by each printed line (no polling interval).
     */
    long awaitStderrCount(Predicate<String> matcher, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n = 0;
        int scanned = 0;
        synchronized (printed) {
            while (true) {
                for (int size = err.size(); scanned < size; scanned++) {
                    if (matcher.test(err.get(scanned))) {
                        n++;
                    }
                }
                long left = deadline - System.nanoTime();
                if (n >= count || !process.isAlive() || left <= 0) {
                    return n;
                }
                printed.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(describe("did not exit within " + timeout));
            }
            outPump.join(10_000);
            errPump.join(10_000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM: kcat stops consuming, closes its consumer (committing its offsets) and exits. */
    int terminate(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> stdout() {
        return List.copyOf(out);
    }

    List<String> stderr() {
        return List.copyOf(err);
    }

    /** Each stdout line that is a JSON object (the {@code -J} output), parsed (each line once). */
    synchronized List<JsonNode> json() {
        List<String> lines = List.copyOf(out);
        for (; parsedLines < lines.size(); parsedLines++) {
            String line = lines.get(parsedLines);
            if (line.startsWith("{")) {
                try {
                    parsed.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError(describe("printed a line that is not JSON: " + line), e);
                }
            }
        }
        return List.copyOf(parsed);
    }

    String name() {
        return name;
    }

    String describe(String what) {
        return "kcat " + name + " " + what + "\ncommand: " + String.join(" ", command) + "\nstdout (last 40):\n"
                + tail(out) + "\nstderr (last 60):\n" + tail(err, 60);
    }

    private static String tail(List<String> lines) {
        return tail(lines, 40);
    }

    private static String tail(List<String> lines, int n) {
        List<String> copy = List.copyOf(lines);
        return String.join("\n", copy.subList(Math.max(0, copy.size() - n), copy.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
