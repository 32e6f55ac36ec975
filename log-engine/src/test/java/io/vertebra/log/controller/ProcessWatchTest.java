package io.vertebra.log.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertebra.log.metadata.BrokerImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The process watch against plain sockets standing in for a broker's listener: a process that is gone is reported
 * at once, also when it closes its connections before its listening socket (as an exiting process may); a broker
 * that only closes a connection and goes on listening is not reported.
 */
class ProcessWatchTest {
    private final List<Integer> dead = new CopyOnWriteArrayList<>();
    private final ProcessWatch watch = new ProcessWatch(dead::add);
    private ServerSocket listener;

    ProcessWatchTest() throws IOException {}

    @AfterEach
    void close() throws IOException {
        watch.close();
        if (listener != null) {
            listener.close();
        }
    }

    /** Listens like broker 7, watched; returns the server side of the watch's connection. */
    private Socket watchedBroker() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        watch.watch(List.of(new BrokerImage(7, "127.0.0.1", listener.getLocalPort(), null, false, 1)));
        listener.setSoTimeout(10_000);
        return listener.accept();
    }

    @Test
    void aProcessThatIsGoneIsReportedAtOnce() throws IOException {
        Socket connection = watchedBroker();
        listener.close();
        connection.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> dead.equals(List.of(7)));
    }

    @Test
    void aProcessClosingItsConnectionsBeforeItsListenerIsReportedToo() throws IOException {
        Socket connection = watchedBroker();
        connection.close(); // an exiting process: its connections close first...
        Socket reconnect = listener.accept(); // ...while its listener still accepts the watch's reconnect
        listener.close(); // then the listener goes, and the rest of its sockets
        reconnect.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> dead.equals(List.of(7)));
    }

    @Test
    void aBrokerThatClosesAConnectionButGoesOnListeningIsNotReported() throws IOException {
        Socket connection = watchedBroker();
        connection.close();
        Socket again = listener.accept(); // the watch's new connection, served
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(dead::isEmpty);
        again.close();
        Socket third = listener.accept();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(dead::isEmpty);
        third.close();
        assertEquals(List.of(), dead);
    }
}
