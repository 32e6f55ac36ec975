package io.vertebra.connect.jdbc.write;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The task's HikariCP pool: one connection (a task writes from one thread), autocommit off, the session time zone
 * set to {@code db.timezone}. The pool starts even while the database is down (the first write then fails and is
 * retried), and a borrow waits at most {@code connection.timeout.ms}.
 *
 * <p>Connections come from PostgreSQL's own {@link PGSimpleDataSource}, not {@code DriverManager}, so the driver
 * is found inside the plugin's class loader wherever the plugin runs.
 */
public final class ConnectionPool {
    private ConnectionPool() {}

    public static HikariDataSource open(JdbcSinkConfig config, String poolName) {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(config.connectionUrl());
        if (config.connectionUser() != null) {
            postgres.setUser(config.connectionUser());
        }
        if (config.connectionPassword() != null) {
            postgres.setPassword(config.connectionPassword());
        }
        if (postgres.getApplicationName() == null
                || postgres.getApplicationName().startsWith("PostgreSQL JDBC")) {
            postgres.setApplicationName("vertebra-jdbc-sink " + config.connectorName());
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(postgres);
        hikari.setPoolName(poolName);
        hikari.setMaximumPoolSize(1);
        hikari.setMinimumIdle(0);
        hikari.setAutoCommit(false);
        hikari.setConnectionTimeout(config.connectionTimeoutMs());
        hikari.setValidationTimeout(Math.min(5_000L, Math.max(250L, config.connectionTimeoutMs() / 2)));
        hikari.setInitializationFailTimeout(-1);
        hikari.setConnectionInitSql("SET TIME ZONE '" + config.dbZone().getId().replace("'", "''") + "'");
        // commit the init SQL at once: left in the first transaction, a rollback of that batch would undo it
        hikari.setIsolateInternalQueries(true);
        return new HikariDataSource(hikari);
    }
}
