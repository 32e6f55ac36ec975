package io.vertebra.bench.cdc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Change lag from source commit to row visible in the destination, at a steady rate of changes.
 *
 * <p>A writer thread commits transactions on a fixed schedule, each inserting {@code rowsPerTx / 2} new rows (ids
 * ascending) and updating as many existing ones, and records when each commit returned and the last id it inserted.
 * A prober thread on the destination reads {@code max(id)} of the inserted range over and over (an index-only scan);
 * the first time it sees a transaction's last id, that transaction's lag is the time since its commit. The sinks
 * apply changes in order, so seeing a transaction's last id means the whole transaction is visible. The prober's
 * cadence (a query every millisecond or so) bounds the resolution.
 */
final class SteadyChanges {
    /** What a run measured: the rate the writer reached and the lag of each transaction after the warm-up. */
    record Result(double changesPerSecond, long[] lagMicros, long transactions) {
        double percentileMs(double p) {
            if (lagMicros.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(lagMicros.length - 1, Math.ceil(p / 100.0 * lagMicros.length) - 1);
            return lagMicros[Math.max(0, index)] / 1000.0;
        }
    }

    private SteadyChanges() {}

    static Result run(
            String sourceUrl,
            String destinationUrl,
            long existingRows,
            long firstNewId,
            int changesPerSecond,
            int rowsPerTx,
            int seconds,
            int warmUpSeconds)
            throws Exception {
        int txPerSecond = Math.max(1, changesPerSecond / rowsPerTx);
        int transactions = txPerSecond * seconds;
        int inserts = rowsPerTx / 2;
        int updates = rowsPerTx - inserts;
        long[] commitNanos = new long[transactions];
        long[] lastId = new long[transactions];
        long[] seenNanos = new long[transactions];
        AtomicInteger committed = new AtomicInteger();
        long[] writerElapsed = new long[1];

        Thread writer = new Thread(
                () -> {
                    Random random = new Random(42);
                    long nextId = firstNewId;
                    StringBuilder sql = new StringBuilder(
                            "INSERT INTO public.bench_orders (id, item, qty, price, note)" + " VALUES ");
                    for (int i = 0; i < inserts; i++) {
                        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?)");
                    }
                    try (Connection c = DriverManager.getConnection(sourceUrl);
                            PreparedStatement insert = c.prepareStatement(sql.toString());
                            PreparedStatement update =
                                    c.prepareStatement("UPDATE public.bench_orders SET qty = qty + 1,"
                                            + " updated_at = clock_timestamp() WHERE id = ANY (?)")) {
                        c.setAutoCommit(false);
                        long intervalNs = TimeUnit.SECONDS.toNanos(1) / txPerSecond;
                        long start = System.nanoTime();
                        for (int tx = 0; tx < transactions; tx++) {
                            long due = start + tx * intervalNs;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait); // the writer's schedule: load generation
                            }
                            int p = 1;
                            for (int i = 0; i < inserts; i++) {
                                long id = nextId++;
                                insert.setLong(p++, id);
                                insert.setString(p++, "item-" + id);
                                insert.setInt(p++, (int) (id % 50));
                                insert.setBigDecimal(p++, java.math.BigDecimal.valueOf(id % 100_000, 2));
                                insert.setString(p++, "streamed");
                            }
                            insert.executeUpdate();
                            Long[] ids = new Long[updates];
                            for (int i = 0; i < updates; i++) {
                                ids[i] = 1 + (long) (random.nextDouble() * existingRows);
                            }
                            update.setArray(1, c.createArrayOf("bigint", ids));
                            update.executeUpdate();
                            c.commit();
                            commitNanos[tx] = System.nanoTime();
                            lastId[tx] = nextId - 1;
                            committed.set(tx + 1);
                        }
                        writerElapsed[0] = System.nanoTime() - start;
                    } catch (SQLException e) {
                        throw new IllegalStateException("the change writer failed", e);
                    }
                },
                "cdc-bench-writer");
        writer.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 120L);
        int next = 0;
        try (Connection c = DriverManager.getConnection(destinationUrl);
                PreparedStatement probe =
                        c.prepareStatement("SELECT max(id) FROM public.bench_orders WHERE id >= " + firstNewId)) {
            while (next < transactions && System.nanoTime() < deadline) {
                long visible;
                try (ResultSet rs = probe.executeQuery()) {
                    rs.next();
                    visible = rs.getLong(1);
                } catch (SQLException e) {
                    visible = 0; // the sink has not created the table yet
                }
                long now = System.nanoTime();
                int done = committed.get();
                while (next < done && lastId[next] <= visible) {
                    seenNanos[next++] = now;
                }
                if (!writer.isAlive() && committed.get() < transactions) {
                    throw new IllegalStateException("the change writer stopped early");
                }
                LockSupport.parkNanos(500_000); // probe cadence: leave the CPUs to the pipeline
            }
        }
        writer.join();
        if (next < transactions) {
            throw new IllegalStateException(
                    "only " + next + " of " + transactions + " transactions reached the destination in time");
        }
        int skip = Math.min(transactions - 1, txPerSecond * warmUpSeconds);
        long[] lags = new long[transactions - skip];
        for (int tx = skip; tx < transactions; tx++) {
            lags[tx - skip] = (seenNanos[tx] - commitNanos[tx]) / 1000;
        }
        Arrays.sort(lags);
        double rate = (double) transactions * rowsPerTx / (writerElapsed[0] / 1e9);
        return new Result(rate, lags, transactions);
    }
}
