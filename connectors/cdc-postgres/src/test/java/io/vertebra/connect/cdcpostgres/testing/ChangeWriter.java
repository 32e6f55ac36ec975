package io.vertebra.connect.cdcpostgres.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a steady stream of transactions to {@code public.orders} on its own thread, as an application would while
 * the pipeline runs: each transaction updates, deletes or inserts a few rows (ids of inserted rows start above
 * {@code firstNewId}). It keeps going through a database restart: a failed transaction is rolled back by the server,
 * counted, and the writer reconnects. The seed is printed so a failure can be replayed.
 *
 * <p>The pacing below is load generation, not synchronization: tests wait for outcomes with Awaitility.
 */
public final class ChangeWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeWriter.class);

    private final String jdbcUrl;
    private final long maxExistingId;
    private final long firstNewId;
    private final AtomicLong nextId;
    private final int transactionsPerSecond;
    private final Random random;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;

    private ChangeWriter(String jdbcUrl, long maxExistingId, long firstNewId, int transactionsPerSecond, long seed) {
        this.jdbcUrl = jdbcUrl;
        this.maxExistingId = maxExistingId;
        this.firstNewId = firstNewId;
        this.nextId = new AtomicLong(firstNewId);
        this.transactionsPerSecond = transactionsPerSecond;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "change-writer");
        thread.setDaemon(true);
        log.info("change writer on {}: {} tx/s, seed {}", jdbcUrl, transactionsPerSecond, seed);
    }

    /** Starts writing; ids up to {@code maxExistingId} are updated and deleted, new rows get ids from {@code firstNewId}. */
    public static ChangeWriter start(String jdbcUrl, long maxExistingId, long firstNewId, int transactionsPerSecond) {
        ChangeWriter writer =
                new ChangeWriter(jdbcUrl, maxExistingId, firstNewId, transactionsPerSecond, System.nanoTime());
        writer.thread.start();
        return writer;
    }

    private void run() {
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / transactionsPerSecond;
        long next = System.nanoTime();
        Connection c = null;
        while (!stop) {
            try {
                if (c == null) {
                    c = DriverManager.getConnection(jdbcUrl);
                    c.setAutoCommit(false);
                }
                oneTransaction(c);
                committed.incrementAndGet();
            } catch (SQLException e) {
                failed.incrementAndGet();
                closeQuietly(c);
                c = null;
                next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200); // the server is away: back off
            }
            next += intervalNs;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
        closeQuietly(c);
    }

    private void oneTransaction(Connection c) throws SQLException {
        int statements = 1 + random.nextInt(4);
        for (int i = 0; i < statements; i++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                try (PreparedStatement update = c.prepareStatement("UPDATE public.orders SET qty = qty + 1,"
                        + " price = price + 0.01, note = ?, updated_at = clock_timestamp() WHERE id = ?")) {
                    update.setString(1, random.nextInt(4) == 0 ? null : "changed " + random.nextInt(1000));
                    update.setLong(2, randomId());
                    update.executeUpdate();
                }
            } else if (kind < 7) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM public.orders WHERE id = ?")) {
                    delete.setLong(1, randomId());
                    delete.executeUpdate();
                }
            } else {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO public.orders (id, item, qty, price, note) VALUES (?, ?, ?, ?, ?)")) {
                    long id = nextId.getAndIncrement();
                    insert.setLong(1, id);
                    insert.setString(2, "new-" + id);
                    insert.setInt(3, random.nextInt(50));
                    insert.setBigDecimal(4, java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
                    insert.setString(5, "inserted while streaming");
                    insert.executeUpdate();
                }
            }
        }
        c.commit();
    }

    /** An existing id, or one inserted while streaming. */
    private long randomId() {
        long inserted = nextId.get() - firstNewId;
        return inserted > 0 && random.nextBoolean()
                ? firstNewId + (long) (random.nextDouble() * inserted)
                : 1 + (long) (random.nextDouble() * maxExistingId);
    }

    /** Transactions committed so far. */
    public long committed() {
        return committed.get();
    }

    /** Transactions that failed (the database was away). */
    public long failed() {
        return failed.get();
    }

    /** Stops after the transaction in progress; returns how many committed. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("change writer stopped: {} transactions committed, {} failed", committed(), failed());
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
