package io.vertebra.log.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every (API, version) pair the broker advertises in ApiVersions, each used over a socket as a client of that
 * version would: the request built with kafka-clients' message classes at that version, the response parsed at
 * that version, and its meaning checked ({@link DataPathCases}, {@link AdminCases}, {@link GroupCases}). An API
 * advertised without a case here fails {@link #everyAdvertisedApiHasACase}, so nothing new is advertised
 * untested. A field set that a version cannot carry fails the response's serialization, which the client sees
 * as a closed connection: each pair runs on its own connection so one failure does not hide the others.
 */
class ProtocolVersionsTest {
    @TempDir
    static Path dir;

    static TestBroker broker;
    static VersionFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
        fixture = new VersionFixture(broker);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
        broker.close();
    }

    static Map<ApiKeys, VersionCase> cases() {
        Map<ApiKeys, VersionCase> all = new EnumMap<>(ApiKeys.class);
        for (Map<ApiKeys, VersionCase> part : List.of(DataPathCases.all(), AdminCases.all(), GroupCases.all())) {
            part.forEach((api, c) -> assertEquals(null, all.put(api, c), api + " has two cases"));
        }
        return all;
    }

    private static ApiVersionsResponseData advertised() {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            return ((ApiVersionsResponse) socket.send(new ApiVersionsRequestData(), (short) 0)).data();
        }
    }

    @Test
    void everyAdvertisedApiHasACase() {
        TreeSet<String> advertised = new TreeSet<>();
        advertised()
                .apiKeys()
                .forEach(a -> advertised.add(ApiKeys.forId(a.apiKey()).name()));
        TreeSet<String> covered = new TreeSet<>();
        cases().keySet().forEach(api -> covered.add(api.name()));
        assertEquals(covered, advertised, "advertised APIs vs APIs with a version case");
    }

    @Test
    void advertisedRangesAreKafkaClientsRanges() {
        for (ApiVersionsResponseData.ApiVersion a : advertised().apiKeys()) {
            ApiKeys api = ApiKeys.forId(a.apiKey());
            assertEquals(api.oldestVersion(), a.minVersion(), api + " min");
            assertEquals(api.latestVersion(), a.maxVersion(), api + " max");
        }
    }

    /** docs/compatibility.md lists exactly what the node advertises. */
    @Test
    void theCompatibilityTableIsWhatIsAdvertised() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "compatibility.md"));
        String table = doc.substring(doc.indexOf("<!-- api-versions"), doc.indexOf("<!-- /api-versions -->"));
        TreeSet<String> documented = new TreeSet<>();
        for (String line : table.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length == 5 && cells[2].trim().matches("\\d+")) {
                documented.add(
                        cells[1].trim() + " " + cells[2].trim() + " " + cells[3].trim() + ".." + cells[4].trim());
            }
        }
        TreeSet<String> advertised = new TreeSet<>();
        for (ApiVersionsResponseData.ApiVersion a : advertised().apiKeys()) {
            ApiKeys api = ApiKeys.forId(a.apiKey());
            advertised.add(api.name + " " + api.id + " " + a.minVersion() + ".." + a.maxVersion());
        }
        assertEquals(advertised, documented, "docs/compatibility.md vs ApiVersions");
    }

    @TestFactory
    Stream<DynamicTest> everyAdvertisedVersion() {
        Map<ApiKeys, VersionCase> cases = cases();
        List<DynamicTest> tests = new ArrayList<>();
        for (ApiVersionsResponseData.ApiVersion a : advertised().apiKeys()) {
            ApiKeys api = ApiKeys.forId(a.apiKey());
            VersionCase c = cases.get(api);
            assertTrue(c != null, "no case for " + api);
            for (short v = a.minVersion(); v <= a.maxVersion(); v++) {
                short version = v;
                tests.add(DynamicTest.dynamicTest(api + " v" + v, () -> {
                    try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
                        c.run(fixture, socket, version);
                    } catch (AssertionError | RuntimeException e) {
                        throw new AssertionError(api + " v" + version + ": " + e.getMessage(), e);
                    }
                }));
            }
        }
        return tests.stream();
    }
}
