package io.vertebra.connect.file.source;

import static io.vertebra.connect.file.source.SourceTaskHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task's progress bean, read as a worker reads it: bytes remaining of a large file fall to 0 as it is read. */
class FileSourceProgressTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;

    @Test
    void bytesRemainingOfALargeFileFallToZeroAsTheTaskReadsIt() throws Exception {
        Path file = dir.resolve("large.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            text.append("line ").append(i).append(" of a file large enough to take many polls\n");
        }
        Files.writeString(file, text);
        long size = Files.size(file);
        Map<String, String> props = props(
                FileSourceConfig.FILE_PATHS,
                file.toString(),
                FileSourceConfig.BATCH_SIZE,
                "1000",
                "name",
                "big \"file\", source",
                FileSourceTask.TASK_ID,
                "3");
        ObjectName bean = new ObjectName("vertebra.connect:type=task-progress,connector="
                + ObjectName.quote("big \"file\", source") + ",task=3");
        FileSourceTask task = new FileSourceTask();
        task.initialize(new SourceTaskHarness(props).context());
        task.start(props);
        try {
            List<Long> remaining = new ArrayList<>();
            int records = 0;
            while (records < 40_000) {
                List<SourceRecord> batch = task.poll();
                records += batch == null ? 0 : batch.size();
                CompositeData[] items = (CompositeData[]) JMX.getAttribute(bean, "Items");
                assertEquals(1, items.length);
                assertEquals(file.toString(), items[0].get("name"));
                assertEquals("bytes", items[0].get("unit"));
                assertEquals(size, items[0].get("total"));
                remaining.add(size - (Long) items[0].get("done"));
            }
            assertTrue(remaining.size() >= 40, "read in many polls: " + remaining.size());
            for (int i = 1; i < remaining.size(); i++) {
                assertTrue(remaining.get(i) <= remaining.get(i - 1), "never grows: " + remaining);
            }
            assertTrue(remaining.get(0) > 0 && remaining.get(0) < size, remaining.toString());
            assertEquals(0L, remaining.get(remaining.size() - 1), "all read: " + remaining);
        } finally {
            task.stop();
        }
        assertFalse(JMX.isRegistered(bean), "a stopped task unpublishes its progress");
    }

    @Test
    void aTaskStoppingLateLeavesTheBeanOfItsRestartedSuccessor() throws Exception {
        Path file = Files.writeString(dir.resolve("small.log"), "one\n");
        Map<String, String> props =
                props(FileSourceConfig.FILE_PATHS, file.toString(), "name", "again", "task.id", "0");
        ObjectName bean = new ObjectName("vertebra.connect:type=task-progress,connector=\"again\",task=0");
        FileSourceTask old = new FileSourceTask();
        old.initialize(new SourceTaskHarness(props).context());
        old.start(props);
        FileSourceTask restarted = new FileSourceTask();
        restarted.initialize(new SourceTaskHarness(props).context());
        restarted.start(props);
        old.stop();
        assertTrue(JMX.isRegistered(bean), "the old run's stop does not remove the new run's bean");
        assertEquals(1, restarted.poll().size());
        assertEquals(1, ((CompositeData[]) JMX.getAttribute(bean, "Items")).length);
        restarted.stop();
        assertFalse(JMX.isRegistered(bean));
    }

    @Test
    void eachTaskConfigNamesItsTaskForTheProgressBean() {
        FileSourceConnector connector = new FileSourceConnector();
        connector.start(props(FileSourceConfig.FILE_PATHS, dir.resolve("a") + "," + dir.resolve("b"), "name", "c"));
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertEquals(
                List.of("0", "1"),
                tasks.stream().map(t -> t.get(FileSourceTask.TASK_ID)).toList());
        assertEquals("c", tasks.get(1).get("name"));
    }
}
