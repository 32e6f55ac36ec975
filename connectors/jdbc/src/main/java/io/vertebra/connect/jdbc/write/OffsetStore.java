package io.vertebra.connect.jdbc.write;

import io.vertebra.connect.jdbc.schema.Identifiers;
import io.vertebra.connect.jdbc.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's Kafka offsets, kept in the destination database so that rows and offsets commit in one transaction:
 *
 * <pre>
 *   connector text | topic text | kafka_partition int | next_offset bigint | updated_at timestamptz
 *   PRIMARY KEY (connector, topic, kafka_partition)
 * </pre>
 *
 * {@code next_offset} is the offset of the next record to write (Kafka's convention), {@code -1} when nothing was
 * written yet. {@link #prepare} inserts a row for every assigned partition, so {@link #lock} always finds the rows
 * to lock: two tasks that briefly own the same partition (a zombie after a rebalance) serialize on the row lock and
 * the later one skips what the earlier one wrote. Used by the task thread; every method runs on the caller's
 * connection and transaction.
 */
public final class OffsetStore {
    public static final long NONE = -1L;

    private final String connector;
    private final String table;

    public OffsetStore(String connector, String offsetsTable) {
        this.connector = connector;
        TableId id = TableId.parse(offsetsTable);
        this.table = id.schema() == null
                ? Identifiers.quote(id.name())
                : Identifiers.quote(id.schema()) + "." + Identifiers.quote(id.name());
    }

    /**
     * Creates the table when missing and a row for each partition that has none; returns the stored next offsets
     * of those partitions ({@link #NONE} when nothing was written). Commits.
     */
    public Map<TopicPartition, Long> prepare(Connection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (connector text NOT NULL, topic text NOT NULL,"
                    + " kafka_partition integer NOT NULL, next_offset bigint NOT NULL,"
                    + " updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (connector, topic, kafka_partition))");
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                throw e;
            }
            // another task created it at the same moment
        }
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (connector, topic, kafka_partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (TopicPartition tp : partitions) {
                insert.setString(1, connector);
                insert.setString(2, tp.topic());
                insert.setInt(3, tp.partition());
                insert.setLong(4, NONE);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        Map<TopicPartition, Long> stored = read(connection, partitions, false);
        connection.commit();
        return stored;
    }

    /** Locks the partitions' rows until the transaction ends and returns their stored next offsets. */
    public Map<TopicPartition, Long> lock(Connection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        return read(connection, partitions, true);
    }

    private Map<TopicPartition, Long> read(Connection connection, Collection<TopicPartition> partitions, boolean lock)
            throws SQLException {
        List<TopicPartition> list = new ArrayList<>(partitions);
        StringBuilder sql = new StringBuilder("SELECT topic, kafka_partition, next_offset FROM ")
                .append(table)
                .append(" WHERE connector = ? AND (topic, kafka_partition) IN (");
        for (int i = 0; i < list.size(); i++) {
            sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
        }
        sql.append(')');
        if (lock) {
            sql.append(" ORDER BY topic, kafka_partition FOR UPDATE");
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int p = 1;
            select.setString(p++, connector);
            for (TopicPartition tp : list) {
                select.setString(p++, tp.topic());
                select.setInt(p++, tp.partition());
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    offsets.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
                }
            }
        }
        return offsets;
    }

    /** Stores next offsets in the caller's transaction. */
    public void store(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                + " (connector, topic, kafka_partition, next_offset) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (connector, topic, kafka_partition)"
                + " DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()")) {
            for (Map.Entry<TopicPartition, Long> e : nextOffsets.entrySet()) {
                upsert.setString(1, connector);
                upsert.setString(2, e.getKey().topic());
                upsert.setInt(3, e.getKey().partition());
                upsert.setLong(4, e.getValue());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
