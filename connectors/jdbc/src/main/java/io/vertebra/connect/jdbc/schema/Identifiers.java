package io.vertebra.connect.jdbc.schema;

import io.vertebra.connect.jdbc.config.IdentifierQuoting;
import java.util.Locale;

/** SQL identifiers under {@code quote.sql.identifiers}. Stateless. */
public final class Identifiers {
    private Identifiers() {}

    /** {@code "na""me"} when quoting, else the name as written (PostgreSQL folds it to lower case). */
    public static String sql(String name, IdentifierQuoting quoting) {
        return quoting == IdentifierQuoting.ALWAYS ? quote(name) : name;
    }

    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** The name PostgreSQL stores for an identifier written as {@link #sql} writes it. */
    public static String stored(String name, IdentifierQuoting quoting) {
        return quoting == IdentifierQuoting.ALWAYS ? name : name.toLowerCase(Locale.ROOT);
    }
}
