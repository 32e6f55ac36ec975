package io.vertebra.log.protocol;

import io.vertebra.log.RawKafkaSocket;

/**
 * One API at one version, as a client of that version would use it: build the request (with whatever set-up
 * the API needs first), send it over {@code socket}, and assert what the response means. Throws (an assertion
 * error, or the socket's error when the server closes the connection) when the answer is wrong.
 */
@FunctionalInterface
interface VersionCase {
    void run(VersionFixture fixture, RawKafkaSocket socket, short version) throws Exception;
}
