package io.vertebra.connect.jdbc.schema;

import io.vertebra.connect.jdbc.config.IdentifierQuoting;

/**
 * A destination table: an optional schema and a name, as the user wrote them. {@link #sql} renders it for SQL
 * under the configured quoting. Immutable.
 */
public record TableId(String schema, String name) {

    /**
     * The table for a topic under {@code table.name.format}: {@code ${topic}} is replaced; one dot separates a schema
     * from the table; more than one dot (a Debezium topic such as {@code server.schema.table}) become underscores.
     */
    public static TableId forTopic(String format, String topic) {
        return parse(format.replace("${topic}", topic));
    }

    /** {@code table} or {@code schema.table}; more than one dot become underscores. */
    public static TableId parse(String name) {
        int dots = (int) name.chars().filter(c -> c == '.').count();
        if (dots == 1) {
            int dot = name.indexOf('.');
            return new TableId(name.substring(0, dot), name.substring(dot + 1));
        }
        return new TableId(null, dots == 0 ? name : name.replace('.', '_'));
    }

    public String sql(IdentifierQuoting quoting) {
        String table = Identifiers.sql(name, quoting);
        return schema == null ? table : Identifiers.sql(schema, quoting) + "." + table;
    }

    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }
}
