package io.vertebra.runtime.it;

import io.vertebra.runtime.ConnectRuntime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A worker in its own JVM for failover tests: {@code key=value} arguments; prints its REST port when ready. */
public final class WorkerProcess {
    private WorkerProcess() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> config = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            config.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        ConnectRuntime worker = ConnectRuntime.start(config);
        System.out.println("worker ready rest.port=" + worker.restPort());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
