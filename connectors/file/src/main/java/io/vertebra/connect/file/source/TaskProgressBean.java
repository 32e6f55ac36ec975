package io.vertebra.connect.file.source;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's {@link TaskProgressMXBean}, registered in the platform MBean server while the task runs. A task started
 * without a connector name or task id (a test, a worker that passes neither) publishes nothing.
 */
final class TaskProgressBean implements TaskProgressMXBean, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskProgressBean.class);
    /** The bean registered under each name, so a stopping task never removes its successor's. */
    private static final Map<ObjectName, TaskProgressBean> REGISTERED = new ConcurrentHashMap<>();

    private final Supplier<List<ProgressItem>> items;
    private final ObjectName name;

    private TaskProgressBean(Supplier<List<ProgressItem>> items, ObjectName name) {
        this.items = items;
        this.name = name;
    }

    static synchronized TaskProgressBean register(String connector, String task, Supplier<List<ProgressItem>> items) {
        if (connector == null || task == null) {
            return new TaskProgressBean(items, null);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(
                    "vertebra.connect:type=task-progress,connector=" + ObjectName.quote(connector) + ",task=" + task);
            TaskProgressBean bean = new TaskProgressBean(items, name);
            try {
                server.unregisterMBean(name); // left by an earlier run of the same task in this JVM
            } catch (InstanceNotFoundException none) {
                // the usual case
            }
            server.registerMBean(bean, name);
            REGISTERED.put(name, bean);
            return bean;
        } catch (JMException | RuntimeException e) {
            log.warn(
                    "Cannot publish the progress of task {} of connector {} over JMX: {}",
                    task,
                    connector,
                    e.toString());
            return new TaskProgressBean(items, null);
        }
    }

    @Override
    public List<ProgressItem> getItems() {
        return items.get();
    }

    @Override
    public void close() {
        synchronized (TaskProgressBean.class) {
            if (name == null || !REGISTERED.remove(name, this)) {
                return; // never registered, or replaced by a newer run of the task
            }
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (InstanceNotFoundException gone) {
                // already unregistered
            } catch (JMException e) {
                log.debug("cannot unregister {}", name, e);
            }
        }
    }
}
