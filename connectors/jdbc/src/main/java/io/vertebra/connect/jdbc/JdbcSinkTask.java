package io.vertebra.connect.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import io.vertebra.connect.jdbc.record.RecordFlattener;
import io.vertebra.connect.jdbc.record.RowChange;
import io.vertebra.connect.jdbc.write.ConnectionPool;
import io.vertebra.connect.jdbc.write.SinkWriter;
import io.vertebra.connect.jdbc.write.SqlErrors;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records Kafka Connect hands to {@link #put} into PostgreSQL before {@code put} returns, in
 * transactions of at most {@code batch.size} records.
 *
 * <p><b>Exactly once.</b> Each transaction also stores the next Kafka offset of every partition it covers (see
 * {@link io.vertebra.connect.jdbc.write.OffsetStore}). {@link #open} seeks the consumer to the stored offsets, and a
 * record at or below a stored offset is never written again, so a crash anywhere, followed by redelivery, leaves
 * each record applied once.
 *
 * <p><b>Failures.</b> A transient database error (connection lost, database restarting) is retried: the task
 * asks Connect to redeliver the batch after {@code retry.backoff.ms} (doubling, at most ten times that) and
 * throws {@link RetriableException}; after {@code max.retries} failed attempts in a row it throws a
 * {@link ConnectException} naming the cause, and the task is FAILED. A record that cannot become a row, or that the
 * database refuses as data, goes to the errant record reporter ({@code errors.tolerance}, dead-letter queue) when
 * one is configured, else fails the task with a message naming the record.
 *
 * <p>Kafka Connect calls every method on the task's own thread.
 */
public final class JdbcSinkTask extends SinkTask {
    static final String TASK_INDEX = "vertebra.task.index";
    private static final Logger log = LoggerFactory.getLogger(JdbcSinkTask.class);

    private JdbcSinkConfig config;
    private RecordFlattener flattener;
    private HikariDataSource dataSource;
    private SinkWriter writer;
    private ErrantRecordReporter reporter;
    private int failedAttempts;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new JdbcSinkConfig(props);
        flattener = new RecordFlattener(config);
        String pool = "vertebra-jdbc-" + config.connectorName() + "-" + props.getOrDefault(TASK_INDEX, "0");
        dataSource = ConnectionPool.open(config, pool);
        writer = new SinkWriter(config, dataSource);
        reporter = errantRecordReporter();
        failedAttempts = 0;
        log.info(
                "JDBC sink task {} started: insert.mode={}, pk.mode={}, exactly.once.enabled={}",
                pool,
                config.insertMode().configValue(),
                config.pkMode().configValue(),
                config.exactlyOnce());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a Connect runtime older than 2.6
        }
    }

    /**
     * Seeks to the offsets stored with the rows. If the database is unreachable now, the consumer starts from Kafka's
     * committed offsets instead; records already written are still skipped inside the write transaction.
     */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (!config.exactlyOnce() || partitions.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, Long> stored = writer.storedOffsets(partitions);
            if (!stored.isEmpty()) {
                log.info("Resuming from offsets stored in the database: {}", stored);
                context.offset(stored);
            }
        } catch (SQLException e) {
            writer.forget();
            log.warn(
                    "Cannot read stored offsets for {} now ({}); starting from Kafka's committed offsets, records"
                            + " already in the database are skipped when written",
                    partitions,
                    e.getMessage());
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<SinkRecord> all = records instanceof List<SinkRecord> list ? list : new ArrayList<>(records);
        int batchSize = config.batchSize();
        for (int from = 0; from < all.size(); from += batchSize) {
            writeBatch(all.subList(from, Math.min(all.size(), from + batchSize)));
        }
        failedAttempts = 0;
    }

    private void writeBatch(List<SinkRecord> batch) {
        List<RowChange> changes = flatten(batch);
        try {
            try {
                writer.write(batch, changes);
            } catch (SQLException e) {
                if (!SqlErrors.isRecordError(e)) {
                    throw e;
                }
                if (reporter == null) {
                    throw new ConnectException(
                            "PostgreSQL refused a record of this batch of " + batch.size() + " (first "
                                    + describe(batch.get(0)) + "): " + e.getMessage()
                                    + ". Set errors.tolerance=all (and errors.deadletterqueue.topic.name) to route"
                                    + " such records to a dead-letter queue instead of failing",
                            e);
                }
                log.warn("PostgreSQL refused a record ({}); writing the batch record by record", e.getMessage());
                writer.writeEachAlone(batch, changes, (record, cause) -> report(record, cause));
            }
        } catch (SQLException e) {
            retryOrFail(batch, e);
        }
    }

    private List<RowChange> flatten(List<SinkRecord> batch) {
        List<RowChange> changes = new ArrayList<>(batch.size());
        List<Future<Void>> reported = new ArrayList<>();
        for (SinkRecord record : batch) {
            try {
                changes.add(flattener.flatten(record));
            } catch (DataException e) {
                if (reporter == null) {
                    throw e;
                }
                changes.add(null);
                reported.add(reporter.report(record, e));
            }
        }
        for (Future<Void> future : reported) {
            await(future);
        }
        return changes;
    }

    private void report(SinkRecord record, Throwable cause) {
        await(reporter.report(record, cause));
    }

    /** A reported record must be in the dead-letter queue before its offset commits with the batch. */
    private static void await(Future<Void> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting a bad record", e);
        } catch (ExecutionException e) {
            throw new ConnectException("could not report a bad record: " + e.getCause(), e.getCause());
        }
    }

    private void retryOrFail(List<SinkRecord> batch, SQLException e) {
        if (SqlErrors.isDefinitionError(e)) {
            throw new ConnectException(
                    "PostgreSQL rejected the statements for this batch (" + e.getMessage()
                            + "); the table does not match the records",
                    e);
        }
        failedAttempts++;
        if (failedAttempts > config.maxRetries()) {
            throw new ConnectException(
                    "Writing to PostgreSQL failed " + failedAttempts + " times in a row (max.retries="
                            + config.maxRetries() + "); last error: " + describeCause(e),
                    e);
        }
        long backoffMs = Math.min(
                config.retryBackoffMs() * 10, config.retryBackoffMs() * (1L << Math.min(20, failedAttempts - 1)));
        log.warn(
                "Writing {} records to PostgreSQL failed (attempt {} of {}), retrying in {} ms: {}",
                batch.size(),
                failedAttempts,
                config.maxRetries() + 1,
                backoffMs,
                describeCause(e));
        context.timeout(backoffMs);
        throw new RetriableException(describeCause(e), e);
    }

    private static String describeCause(SQLException e) {
        StringBuilder text =
                new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        if (e.getSQLState() != null) {
            text.append(" (SQLSTATE ").append(e.getSQLState()).append(')');
        }
        if (e.getCause() != null && e.getCause() != e) {
            text.append("; caused by ").append(e.getCause());
        }
        return text.toString();
    }

    private static String describe(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    @Override
    public void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
