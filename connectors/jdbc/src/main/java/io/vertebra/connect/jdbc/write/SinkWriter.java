package io.vertebra.connect.jdbc.write;

import io.vertebra.connect.jdbc.config.InsertMode;
import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import io.vertebra.connect.jdbc.record.RowChange;
import io.vertebra.connect.jdbc.record.RowShape;
import io.vertebra.connect.jdbc.schema.TableId;
import io.vertebra.connect.jdbc.schema.TableSchemaSync;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Writes batches of changes to PostgreSQL, one database transaction per batch:
 *
 * <ol>
 *   <li>fit every table the batch touches (create / evolve; committed on its own),
 *   <li>lock the batch's partitions in the offsets table and drop every change at or below a stored offset (it was
 *       written before a crash or by another task),
 *   <li>apply the changes table by table, in runs of one row shape ({@link TableWriter}),
 *   <li>store the batch's next offsets, commit.
 * </ol>
 *
 * Either everything of a batch is in the database, rows and offsets, or nothing is. Without exactly-once the offsets
 * steps are skipped. On any error the transaction is rolled back, cached table definitions and staging tables are
 * forgotten, and the {@link SQLException} goes to the caller to classify. Used by the task thread only.
 */
public final class SinkWriter {
    private final JdbcSinkConfig config;
    private final DataSource dataSource;
    private final TableSchemaSync schemaSync;
    private final StagingTables staging;
    private final TableWriter tableWriter;
    private final OffsetStore offsets;
    /** Partitions whose offsets row is known to exist, so a batch need not insert it first. */
    private final Set<TopicPartition> knownOffsetRows = new HashSet<>();

    public SinkWriter(JdbcSinkConfig config, DataSource dataSource) {
        this.config = config;
        this.dataSource = dataSource;
        this.schemaSync = new TableSchemaSync(config);
        this.staging = new StagingTables(config.quoting());
        this.tableWriter =
                new TableWriter(config.insertMode(), config.quoting(), new CopyText(config.dbZone()), staging);
        this.offsets = config.exactlyOnce() ? new OffsetStore(config.connectorName(), config.offsetsTableName()) : null;
    }

    /**
     * Called when partitions are assigned: returns the stored next offset of each partition that has one (to seek
     * to). Empty without exactly-once.
     */
    public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) throws SQLException {
        if (offsets == null) {
            return Map.of();
        }
        try (Connection connection = dataSource.getConnection()) {
            Map<TopicPartition, Long> stored = offsets.prepare(connection, partitions);
            Map<TopicPartition, Long> seek = new HashMap<>();
            stored.forEach((tp, next) -> {
                if (next != OffsetStore.NONE) {
                    seek.put(tp, next);
                }
            });
            return seek;
        }
    }

    /**
     * Writes one batch. {@code changes} holds, for the records of the batch in order, what each does ({@code null}
     * entries: nothing, the offset still advances).
     */
    public void write(List<SinkRecord> records, List<RowChange> changes) throws SQLException {
        transaction(records, changes, null);
    }

    /**
     * Like {@link #write}, but each change in its own savepoint: a change the database rejects as a bad record (a
     * data or constraint error) is rolled back alone and handed to {@code rejected}, and the rest commit. The slow
     * path, taken after {@link #write} failed with a record error while a dead-letter queue or
     * {@code errors.tolerance=all} is configured.
     */
    public void writeEachAlone(List<SinkRecord> records, List<RowChange> changes, RejectedRecords rejected)
            throws SQLException {
        transaction(records, changes, rejected);
    }

    /** Receives a record the database refused; may block (e.g. until the dead-letter queue has it). */
    @FunctionalInterface
    public interface RejectedRecords {
        void reject(SinkRecord record, SQLException cause);
    }

    private void transaction(List<SinkRecord> records, List<RowChange> changes, RejectedRecords rejected)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try {
                Map<TopicPartition, Long> next = nextOffsets(records);
                if (offsets != null) {
                    Collection<TopicPartition> missing = missingOffsetRows(next.keySet());
                    if (!missing.isEmpty()) {
                        offsets.prepare(connection, missing);
                    }
                }
                fitTables(connection, changes);
                List<RowChange> todo = changes;
                if (offsets != null) {
                    Map<TopicPartition, Long> stored = offsets.lock(connection, next.keySet());
                    todo = unwritten(changes, stored);
                    stored.forEach((tp, offset) -> next.merge(tp, offset, Math::max));
                }
                if (rejected == null) {
                    applyAll(connection, todo);
                } else {
                    applyEachAlone(connection, todo, rejected);
                }
                if (offsets != null) {
                    offsets.store(connection, next);
                }
                connection.commit();
                knownOffsetRows.addAll(next.keySet());
            } catch (SQLException | RuntimeException e) {
                forget();
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private Collection<TopicPartition> missingOffsetRows(Set<TopicPartition> partitions) {
        List<TopicPartition> missing = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!knownOffsetRows.contains(tp)) {
                missing.add(tp);
            }
        }
        return missing;
    }

    /** Forgets cached table definitions and staging tables: the next batch reads them again. */
    public void forget() {
        schemaSync.invalidate();
        staging.forget();
        knownOffsetRows.clear();
    }

    private static Map<TopicPartition, Long> nextOffsets(List<SinkRecord> records) {
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            next.merge(
                    new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset() + 1, Math::max);
        }
        return next;
    }

    private static List<RowChange> unwritten(List<RowChange> changes, Map<TopicPartition, Long> stored) {
        if (stored.values().stream().allMatch(v -> v == OffsetStore.NONE)) {
            return changes;
        }
        List<RowChange> todo = new ArrayList<>(changes.size());
        for (RowChange change : changes) {
            if (change == null) {
                continue;
            }
            SinkRecord r = change.record();
            Long done = stored.get(new TopicPartition(r.topic(), r.kafkaPartition()));
            if (done == null || r.kafkaOffset() >= done) {
                todo.add(change);
            }
        }
        return todo;
    }

    private void fitTables(Connection connection, List<RowChange> changes) throws SQLException {
        // ON CONFLICT needs a primary key on exactly the key columns; deletes and updates only need the columns
        boolean upsert = config.insertMode() == InsertMode.UPSERT;
        Set<RowShape> seen = new LinkedHashSet<>();
        for (RowChange change : changes) {
            if (change != null && change.kind() != RowChange.Kind.TRUNCATE && seen.add(change.shape())) {
                schemaSync.fit(connection, change.shape(), upsert && change.kind() == RowChange.Kind.UPSERT);
            }
        }
    }

    private void applyAll(Connection connection, List<RowChange> changes) throws SQLException {
        Map<TableId, List<RowChange>> byTable = new LinkedHashMap<>();
        for (RowChange change : changes) {
            if (change != null) {
                byTable.computeIfAbsent(change.shape().table(), t -> new ArrayList<>())
                        .add(change);
            }
        }
        for (List<RowChange> tableChanges : byTable.values()) {
            for (List<RowChange> run : runs(tableChanges)) {
                tableWriter.apply(connection, run);
            }
        }
    }

    /** Splits one table's changes where the upsert shape changes or a truncate stands. */
    private static List<List<RowChange>> runs(List<RowChange> changes) {
        List<List<RowChange>> runs = new ArrayList<>();
        List<RowChange> current = new ArrayList<>();
        RowShape shape = null;
        for (RowChange change : changes) {
            boolean truncate = change.kind() == RowChange.Kind.TRUNCATE;
            boolean newShape = change.kind() == RowChange.Kind.UPSERT && shape != null && !shape.equals(change.shape());
            if (!current.isEmpty() && (truncate || newShape || current.get(0).kind() == RowChange.Kind.TRUNCATE)) {
                runs.add(current);
                current = new ArrayList<>();
                shape = null;
            }
            if (change.kind() == RowChange.Kind.UPSERT) {
                shape = change.shape();
            }
            current.add(change);
        }
        if (!current.isEmpty()) {
            runs.add(current);
        }
        return runs;
    }

    private void applyEachAlone(Connection connection, List<RowChange> changes, RejectedRecords rejected)
            throws SQLException {
        for (RowChange change : changes) {
            if (change == null) {
                continue;
            }
            Savepoint savepoint = connection.setSavepoint();
            try {
                tableWriter.apply(connection, List.of(change));
                connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (!SqlErrors.isRecordError(e)) {
                    throw e;
                }
                connection.rollback(savepoint);
                staging.forget(); // the rollback may have undone a staging table created for this change
                rejected.reject(change.record(), e);
            }
        }
    }
}
