package io.vertebra.connect.cdcpostgres.testing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The table the CDC tests capture, {@code public.orders}, and how its contents are compared: every row in a
 * canonical text form ({@code id|item|qty|price|note|updated_at}, the price without trailing zeros, the timestamp as
 * an instant), sorted by id, so a source table, a mirrored table and a lake's latest state compare equal when they
 * hold the same data, whatever column types each side chose.
 */
public final class OrdersTable {
    public static final String DDL = "CREATE TABLE public.orders (id bigint PRIMARY KEY, item text NOT NULL,"
            + " qty integer NOT NULL, price numeric(12,2) NOT NULL, note text,"
            + " updated_at timestamptz NOT NULL DEFAULT now())";

    private OrdersTable() {}

    /** Creates the table in {@code jdbcUrl} and fills it with ids 1..rows. */
    public static void create(String jdbcUrl, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement()) {
            s.execute(DDL);
            s.execute("INSERT INTO public.orders (id, item, qty, price, note)"
                    + " SELECT g, 'item-' || g, g % 17, round((g * 1.37)::numeric, 2),"
                    + " CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || md5(g::text) END"
                    + " FROM generate_series(1, " + rows + ") g");
        }
    }

    /** One row in canonical text form. */
    public static String row(long id, String item, int qty, BigDecimal price, String note, Instant updatedAt) {
        return id + "|" + item + "|" + qty + "|" + price.stripTrailingZeros().toPlainString() + "|"
                + Objects.toString(note, "\\N") + "|" + updatedAt;
    }

    /** id to canonical row of {@code public.orders} in the database at {@code jdbcUrl} (empty if no table). */
    public static Map<Long, String> rows(String jdbcUrl) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement s = c.createStatement()) {
            ResultSet exists = s.executeQuery("SELECT to_regclass('public.orders') IS NOT NULL");
            exists.next();
            if (!exists.getBoolean(1)) {
                return rows;
            }
            try (ResultSet rs = s.executeQuery("SELECT id, item, qty, price, note, updated_at FROM public.orders")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    rows.put(
                            id,
                            row(
                                    id,
                                    rs.getString(2),
                                    rs.getInt(3),
                                    rs.getBigDecimal(4),
                                    rs.getString(5),
                                    rs.getObject(6, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return rows;
    }

    /** MD5 over the canonical rows in id order, with the row count: "20000 rows, md5 ab12...". */
    public static String checksum(Map<Long, String> rows) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            rows.values().forEach(r -> md5.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
            return rows.size() + " rows, md5 " + HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A few differences between two tables, for failure messages. */
    public static String differences(Map<Long, String> expected, Map<Long, String> actual) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Long, String> e : expected.entrySet()) {
            String other = actual.get(e.getKey());
            if (!e.getValue().equals(other)) {
                out.add("expected " + e.getValue() + " but was " + other);
            }
            if (out.size() >= 5) {
                break;
            }
        }
        for (Long id : actual.keySet()) {
            if (out.size() >= 10) {
                break;
            }
            if (!expected.containsKey(id)) {
                out.add("unexpected row " + actual.get(id));
            }
        }
        return "source " + checksum(expected) + ", destination " + checksum(actual) + "; " + out;
    }
}
