package io.vertebra.connect.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {
    @TempDir
    Path dir;

    @Test
    void aYoungFilesFingerprintStillMatchesTheFileWhenItHasGrown() throws Exception {
        Path file = dir.resolve("f");
        Files.writeString(file, "hello\n");
        byte[] young;
        try (FileChannel channel = FileChannel.open(file)) {
            young = Fingerprint.readPrefix(channel, 1024);
        }
        Fingerprint fingerprint = Fingerprint.of(young, young.length);
        assertEquals(6, fingerprint.length());
        Files.writeString(file, "hello\nworld\n");
        try (FileChannel channel = FileChannel.open(file)) {
            assertTrue(fingerprint.matches(Fingerprint.readPrefix(channel, 1024)));
        }
        assertFalse(fingerprint.matches("hellO\nworld\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(fingerprint.matches("hell".getBytes(StandardCharsets.UTF_8)), "a shorter file is another file");
    }

    @Test
    void readsAtMostTheConfiguredNumberOfBytes() throws Exception {
        Path file = dir.resolve("f");
        Files.writeString(file, "x".repeat(5000));
        try (FileChannel channel = FileChannel.open(file)) {
            assertEquals(1024, Fingerprint.readPrefix(channel, 1024).length);
        }
    }

    @Test
    void encodesAndDecodes() {
        Fingerprint fingerprint = Fingerprint.of("abc".getBytes(StandardCharsets.UTF_8), 3);
        assertEquals(fingerprint, Fingerprint.decode(fingerprint.encode()));
        assertNull(Fingerprint.decode("nonsense"));
        assertNull(Fingerprint.decode(42L));
    }
}
