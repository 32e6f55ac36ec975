package io.vertebra.runtime.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink whose tasks take {@value #STOP_MS} ms to stop (a task flushing a large buffer to a slow system), so that
 * "the connector is stopped" and "its tasks' consumers left the group" are far apart in time. Installed as a plugin
 * jar made of its own compiled classes ({@link #installJar}).
 */
public class SlowStoppingSink extends SinkConnector {
    static final long STOP_MS = 3000;

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SlowTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "1.0";
    }

    /** The task: drops what it is given, and takes its time to stop. */
    public static class SlowTask extends SinkTask {
        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {}

        @Override
        public void put(Collection<SinkRecord> records) {}

        @Override
        public void stop() {
            try {
                Thread.sleep(STOP_MS); // the slow shutdown this plugin stands for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes {@code dir/slow-sink/slow-sink.jar}: these classes and their ServiceLoader manifest. */
    static void installJar(Path pluginPath) throws IOException {
        Path dir = Files.createDirectories(pluginPath.resolve("slow-sink"));
        try (OutputStream file = Files.newOutputStream(dir.resolve("slow-sink.jar"));
                JarOutputStream jar = new JarOutputStream(file)) {
            for (Class<?> c : List.of(SlowStoppingSink.class, SlowTask.class)) {
                String entry = c.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new ZipEntry(entry));
                try (InputStream in = SlowStoppingSink.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(jar);
                }
            }
            jar.putNextEntry(new ZipEntry("META-INF/services/" + SinkConnector.class.getName()));
            jar.write((SlowStoppingSink.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
