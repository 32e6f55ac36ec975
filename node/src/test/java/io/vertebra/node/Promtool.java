package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own linter: {@code promtool check metrics} parses a scrape in the text format and names every metric
 * that breaks Prometheus' naming conventions (units not in base units or abbreviated, counters without {@code _total},
 * gauges ending in the reserved {@code _count}/{@code _sum}/{@code _bucket}, ...). Needs {@code promtool} on the PATH
 * (Debian/Ubuntu: {@code apt-get install prometheus}); a missing promtool fails the test, it does not skip it.
 */
final class Promtool {
    private Promtool() {}

    /** Fails naming each problem promtool reports in {@code scrape} (its exit code is non-zero for any of them). */
    static void assertCleanScrape(String scrape) throws IOException, InterruptedException {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException notInstalled) {
            throw new AssertionError(
                    "promtool is needed to lint /metrics (apt-get install prometheus): " + notInstalled, notInstalled);
        }
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(
                0,
                promtool.exitValue(),
                "promtool check metrics finds names that break Prometheus' conventions:\n" + report);
        assertTrue(report.isBlank(), report);
    }
}
