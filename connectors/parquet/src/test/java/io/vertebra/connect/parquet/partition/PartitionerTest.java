package io.vertebra.connect.parquet.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PartitionerTest {
    @Test
    void fieldValuesAreEscapedLikeHive() {
        assertEquals("a%2Fb%3Dc", FieldPartitioner.escape("a/b=c"));
        assertEquals("50%25 off%3A now", FieldPartitioner.escape("50% off: now"));
        assertEquals("plain-value_1.2", FieldPartitioner.escape("plain-value_1.2"));
        assertEquals("%2E..", FieldPartitioner.escape(".."));
    }

    @Test
    void jodaYearLettersBecomeCalendarYears() {
        assertEquals("'year'=yyyy/'Y'=MM", TimeBasedPartitioner.javaTimePattern("'year'=YYYY/'Y'=MM"));
    }

    @Test
    void partitionsStartAtMultiplesOfTheDurationInLocalTime() {
        TimeBasedPartitioner fifteenMinutes = new TimeBasedPartitioner(
                "'day'=YYYY-MM-dd/'slot'=HHmm", 900_000L, Locale.ROOT, ZoneId.of("Asia/Kolkata"), r -> 0);
        // 10:44 UTC is 16:14 in Kolkata (+05:30): the slot starts at 16:00 local
        assertEquals(
                "day=2024-05-01/slot=1600",
                fifteenMinutes.directoryForTime(
                        Instant.parse("2024-05-01T10:44:00Z").toEpochMilli()));
        assertEquals(
                "day=2024-05-01/slot=1615",
                fifteenMinutes.directoryForTime(
                        Instant.parse("2024-05-01T10:45:00Z").toEpochMilli()));
    }
}
