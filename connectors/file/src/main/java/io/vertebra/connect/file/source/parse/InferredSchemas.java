package io.vertebra.connect.file.source.parse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * One schema instance per JSON shape. Events of a file mostly share a shape; handing out the same instance saves
 * building a schema per event and makes every later schema comparison (Struct validation, converter caches) an
 * identity check. Field schemas are canonical themselves (the optional primitive constants, or instances from this
 * cache), so a shape is its field names plus the identities of its field schemas. Used by one task thread; holds at
 * most {@value #MAX_SHAPES} shapes and starts over when full (events with ever-changing shapes).
 */
final class InferredSchemas {
    private static final int MAX_SHAPES = 10_000;

    private record Shape(String[] names, Schema[] schemas, int hash) {
        static Shape of(List<String> names, List<Schema> schemas) {
            String[] n = names.toArray(new String[0]);
            Schema[] s = schemas.toArray(new Schema[0]);
            int hash = Arrays.hashCode(n);
            for (Schema schema : s) {
                hash = 31 * hash + System.identityHashCode(schema);
            }
            return new Shape(n, s, hash);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Shape other) || other.hash != hash || !Arrays.equals(other.names, names)) {
                return false;
            }
            for (int i = 0; i < schemas.length; i++) {
                if (schemas[i] != other.schemas[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<Shape, Schema> structs = new HashMap<>();
    private final Map<Schema, Schema> arrays = new IdentityHashMap<>();

    /** The optional struct schema with these fields, in this order. */
    Schema struct(List<String> names, List<Schema> fieldSchemas) {
        if (structs.size() >= MAX_SHAPES) {
            structs.clear();
            arrays.clear();
        }
        return structs.computeIfAbsent(Shape.of(names, fieldSchemas), shape -> {
            SchemaBuilder builder = SchemaBuilder.struct().optional();
            for (int i = 0; i < shape.names.length; i++) {
                builder.field(shape.names[i], shape.schemas[i]);
            }
            return builder.build();
        });
    }

    /** The optional array schema of {@code element}s. */
    Schema arrayOf(Schema element) {
        return arrays.computeIfAbsent(
                element, e -> SchemaBuilder.array(e).optional().build());
    }
}
