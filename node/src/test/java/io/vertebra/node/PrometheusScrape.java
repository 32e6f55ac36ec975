package io.vertebra.node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One scrape of {@code GET /metrics} in Prometheus' text format, parsed: the metric families (from the
 * {@code # TYPE} lines) and each sample's value by its name and labels as printed ({@code name{a="x",b="y"}}).
 */
record PrometheusScrape(Set<String> families, Map<String, Double> samples, String text) {
    static PrometheusScrape parse(String text) {
        Set<String> families = new TreeSet<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                families.add(line.split(" ")[2]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new PrometheusScrape(families, samples, text);
    }

    /** The value of {@code name} with exactly these labels (in any order); NaN when there is no such sample. */
    double value(String name, String... labelPairs) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            int brace = key.indexOf('{');
            String sampleName = brace < 0 ? key : key.substring(0, brace);
            if (sampleName.equals(name)
                    && labels(brace < 0 ? "" : key.substring(brace + 1, key.length() - 1))
                            .equals(wanted)) {
                return sample.getValue();
            }
        }
        return Double.NaN;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : text.split(",")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                out.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
            }
        }
        return out;
    }
}
