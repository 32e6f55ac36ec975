package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Connect type the sink maps, written by the task and read back by two independent readers: parquet-hadoop's
 * example model (schema and raw values) and DuckDB (logical values as a query engine sees them).
 */
class EveryTypeRoundTripTest {
    @TempDir
    Path lake;

    @Test
    void everyTypeReadsBackEqualInParquetHadoopAndDuckDb() {
        ParquetSinkTask task = new ParquetSinkTask();
        task.initialize(new RecordingContext());
        Map<String, String> config = new HashMap<>();
        config.put("store.url", lake.toUri().toString());
        config.put("flush.size", "4");
        config.put("parquet.codec", "zstd");
        task.start(config);
        TopicPartition tp = new TopicPartition("types", 0);
        task.open(Set.of(tp));
        List<SinkRecord> records = new ArrayList<>();
        for (long i = 0; i < 4; i++) {
            records.add(TestRecords.record(
                    "types", 0, i, TestRecords.EVERY_TYPE, TestRecords.everyType(i), TestRecords.BASE_TIME_MS));
        }
        task.put(records);
        task.stop();

        LakeContents contents = LakeContents.readLocal(lake);
        String file = "topics/types/partition=0/types+0+0.parquet";
        MessageType schema = contents.footers.get(file).getFileMetaData().getSchema();
        assertEquals(EXPECTED_SCHEMA, schema.toString());
        Group row1 = contents.rowsByFile.get(file).get(1);
        assertEquals(1, row1.getInteger("i8", 0));
        assertEquals(1_000_000_007L, row1.getLong("i64", 0));
        assertEquals("héllo 1", row1.getString("text", 0));
        assertEquals(-12245, row1.getInteger("small_dec", 0), "unscaled -122.45");
        assertEquals(123456789012345678L, row1.getLong("mid_dec", 0), "unscaled 12345678901234.5678");
        assertEquals(19_844, row1.getInteger("day", 0));
        assertEquals("Lyon", row1.getGroup("address", 0).getString("city", 0));

        String path = lake.resolve(file).toString();
        List<List<String>> rows = DuckDb.query("SELECT i8, i16, i32, i64, f32, f64, flag, text, maybe,"
                + " decode(raw), small_dec, mid_dec, wide_dec, day, clock, epoch_ms(\"at\"), address.city, address.zip,"
                + " tags, scores, attrs, history[1].city, history[1].zip"
                + " FROM read_parquet('" + path + "') ORDER BY i64");
        assertEquals(4, rows.size());
        assertEquals(
                List.of(
                        "0",
                        "0",
                        "0",
                        "0",
                        "0.0",
                        "0.0",
                        "false",
                        "héllo 0",
                        "null",
                        "bytes0",
                        "-123.45",
                        "null",
                        "-98765432109876543210.123456",
                        "2024-05-01",
                        "13:14:15.123Z",
                        "1714564800000",
                        "null",
                        "null",
                        "[t0, u]",
                        "null",
                        "{a=0, none=NULL}",
                        "Oslo",
                        "null"),
                nullsAsText(rows.get(0)));
        assertEquals(
                List.of(
                        "1",
                        "3",
                        "1000",
                        "1000000007",
                        "0.25",
                        "0.125",
                        "true",
                        "héllo 1",
                        "m1",
                        "bytes1",
                        "-122.45",
                        "12345678901234.5678",
                        "-98765432109876543210.123456",
                        "2024-05-01",
                        "13:14:15.123Z",
                        "1714564800001",
                        "Lyon",
                        "1",
                        "[t1, u]",
                        "[1, NULL]",
                        "{a=1, none=NULL}",
                        "Oslo",
                        "null"),
                nullsAsText(rows.get(1)));
        assertEquals("-120.45", rows.get(3).get(10));
    }

    private static List<String> nullsAsText(List<String> row) {
        return row.stream().map(String::valueOf).toList();
    }

    private static final String EXPECTED_SCHEMA = """
message connect_record {
  required int32 i8 (INTEGER(8,true));
  required int32 i16 (INTEGER(16,true));
  required int32 i32;
  required int64 i64;
  required float f32;
  required double f64;
  required boolean flag;
  required binary text (STRING);
  optional binary maybe (STRING);
  required binary raw;
  required int32 small_dec (DECIMAL(9,2));
  optional int64 mid_dec (DECIMAL(18,4));
  required fixed_len_byte_array(16) wide_dec (DECIMAL(38,6));
  required int32 day (DATE);
  required int32 clock (TIME(MILLIS,true));
  required int64 at (TIMESTAMP(MILLIS,true));
  optional group address {
    required binary city (STRING);
    optional int32 zip;
  }
  required group tags (LIST) {
    repeated group list {
      required binary element (STRING);
    }
  }
  optional group scores (LIST) {
    repeated group list {
      optional int32 element;
    }
  }
  required group attrs (MAP) {
    repeated group key_value {
      required binary key (STRING);
      optional int64 value;
    }
  }
  required group history (LIST) {
    repeated group list {
      optional group element {
        required binary city (STRING);
        optional int32 zip;
      }
    }
  }
}
""";
}
