package io.vertebra.connect.parquet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LakeFileNameTest {
    @Test
    void committedNamesCarryTopicPartitionAndStartOffset() {
        LakeFileName name = new LakeFileName("db.orders-v2", 7, 123_456_789_012L);
        assertEquals("db.orders-v2+7+123456789012.parquet", name.fileName());
        assertEquals(Optional.of(name), LakeFileName.parse(name.fileName()));
    }

    @Test
    void temporaryNamesAreHiddenAndParseBackToTheirFile() {
        LakeFileName name = new LakeFileName("orders", 0, 42);
        String temp = name.tempFileName("5b1c");
        assertEquals(".orders+0+42.5b1c.tmp", temp);
        assertEquals(Optional.of(name), LakeFileName.parseTemp(temp));
        assertEquals(Optional.empty(), LakeFileName.parse(temp));
    }

    @Test
    void foreignNamesAreNotOurs() {
        for (String foreign : new String[] {
            "part-0000.parquet",
            "orders+x+1.parquet",
            "orders+1+-5.parquet",
            "+1+2.parquet",
            "orders+1+2.csv",
            "_SUCCESS",
            ".orders+1+2.parquet.crc"
        }) {
            assertEquals(Optional.empty(), LakeFileName.parse(foreign), foreign);
            assertEquals(Optional.empty(), LakeFileName.parseTemp(foreign), foreign);
        }
    }
}
