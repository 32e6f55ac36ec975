package io.vertebra.connect.jdbc.testing;

import io.vertebra.testkit.ConnectWorker;

/**
 * Records as Kafka Connect's JsonConverter (schemas.enable=true) reads them: {@code {"schema":...,"payload":...}}.
 * The rows have a key struct {@code {id int64}} and a value struct {@code {id int64, seq int64, name string}}.
 */
public final class JsonRecords {
    private static final String KEY_SCHEMA =
            "{\"type\":\"struct\",\"name\":\"bench.Key\",\"optional\":false,\"fields\":[{\"field\":\"id\",\"type\":\"int64\",\"optional\":false}]}";
    private static final String VALUE_SCHEMA =
            "{\"type\":\"struct\",\"name\":\"bench.Row\",\"optional\":false,\"fields\":["
                    + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
                    + "{\"field\":\"seq\",\"type\":\"int64\",\"optional\":false},"
                    + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true}]}";

    private JsonRecords() {}

    public static String key(long id) {
        return "{\"schema\":" + KEY_SCHEMA + ",\"payload\":{\"id\":" + id + "}}";
    }

    public static String value(long id, long seq, String name) {
        return "{\"schema\":" + VALUE_SCHEMA + ",\"payload\":{\"id\":" + id + ",\"seq\":" + seq + ",\"name\":"
                + (name == null ? "null" : ConnectWorker.json(name)) + "}}";
    }
}
