package io.vertebra.connect.file.source.parse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * A CSV line as a struct with one optional field per column. Columns come from {@code csv.columns} (with types) or,
 * when that is empty, from the file's header line (all strings). One instance per file: the header is per file.
 */
public final class CsvParser implements EventParser {
    private final CsvFields fields;
    private final boolean hasHeader;
    private List<CsvColumn> columns;
    private Schema schema;

    public CsvParser(CsvFields fields, boolean hasHeader, List<CsvColumn> configuredColumns) {
        this.fields = fields;
        this.hasHeader = hasHeader;
        if (!configuredColumns.isEmpty()) {
            useColumns(configuredColumns);
        }
    }

    @Override
    public boolean wantsHeader() {
        return hasHeader;
    }

    @Override
    public void header(String line) throws EventParseException {
        if (schema != null) {
            return; // csv.columns overrides the header's names
        }
        List<CsvColumn> fromHeader = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String name : fields.split(line)) {
            String trimmed = name == null ? "" : name.trim();
            if (trimmed.isEmpty()) {
                throw new EventParseException("the header line has an empty column name: " + line);
            }
            if (!names.add(trimmed)) {
                throw new EventParseException("the header line names column " + trimmed + " twice: " + line);
            }
            fromHeader.add(new CsvColumn(trimmed, CsvColumn.Type.STRING));
        }
        useColumns(fromHeader);
    }

    private void useColumns(List<CsvColumn> list) {
        columns = List.copyOf(list);
        SchemaBuilder builder = SchemaBuilder.struct().optional();
        for (CsvColumn column : columns) {
            builder.field(column.name(), column.type().schema());
        }
        schema = builder.build();
    }

    @Override
    public SchemaAndValue parse(String event) throws EventParseException {
        if (schema == null) {
            throw new EventParseException("no column names: the file has no header line yet");
        }
        List<String> values = fields.split(event);
        if (values.size() != columns.size()) {
            throw new EventParseException("has " + values.size() + " fields, expected " + columns.size() + " ("
                    + String.join(",", columns.stream().map(CsvColumn::name).toList()) + ")");
        }
        Struct struct = new Struct(schema);
        for (int i = 0; i < values.size(); i++) {
            struct.put(schema.fields().get(i), columns.get(i).convert(values.get(i)));
        }
        return new SchemaAndValue(schema, struct);
    }
}
