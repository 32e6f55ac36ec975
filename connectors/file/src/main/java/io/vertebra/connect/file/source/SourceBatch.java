package io.vertebra.connect.file.source;

import io.vertebra.connect.file.source.FileSourceConfig.ParseErrors;
import io.vertebra.connect.file.source.parse.EventParseException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of one poll: receives lines from the {@link LineReader}, joins multi-line events, parses events and
 * turns them into source records, each carrying the byte position after its event as its offset. Full at {@code
 * batch.size} records or {@code batch.max.bytes} bytes of event text. Used by the task thread only.
 */
final class SourceBatch implements LineReader.LineSink {
    private static final Logger log = LoggerFactory.getLogger(SourceBatch.class);

    private final FileTracker tracker;
    private final String topic;
    private final Charset encoding;
    private final ParseErrors parseErrors;
    private final String pathHeader;
    private final int maxRecords;
    private final long maxBytes;
    private List<SourceRecord> records = new ArrayList<>();
    private long bytes;
    private long nowMs;

    SourceBatch(FileSourceConfig config, FileTracker tracker) {
        this.tracker = tracker;
        this.topic = config.topic();
        this.encoding = config.encoding();
        this.parseErrors = config.parseErrors();
        this.pathHeader = config.pathHeader();
        this.maxRecords = config.batchSize();
        this.maxBytes = config.batchMaxBytes();
    }

    /** Starts a new batch at {@code nowMs} (the time multi-line events are judged by). */
    void begin(long nowMs) {
        this.records = new ArrayList<>(Math.min(maxRecords, 1024));
        this.bytes = 0;
        this.nowMs = nowMs;
    }

    boolean isFull() {
        return records.size() >= maxRecords || bytes >= maxBytes;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    List<SourceRecord> records() {
        return records;
    }

    @Override
    public boolean line(TrackedFile file, byte[] buffer, int offset, int length, long endPosition) {
        String text = new String(buffer, offset, length, encoding);
        if (file.headerPending()) {
            tracker.header(file, text);
            file.sentPosition = endPosition;
            return true;
        }
        if (file.assembler == null) {
            event(file, text, endPosition);
        } else {
            MultilineAssembler.Event completed = file.assembler.add(text, endPosition, nowMs);
            if (completed != null) {
                event(file, completed.text(), completed.endPosition());
            }
        }
        return !isFull();
    }

    /** Sends a multi-line event that waited long enough for more lines. */
    void flushIdle(TrackedFile file) {
        MultilineAssembler.Event event = file.assembler.takeIfIdle(nowMs);
        if (event != null) {
            event(file, event.text(), event.endPosition());
        }
    }

    /** Sends a file's pending multi-line event whatever its age: the file is being closed. */
    void flushPending(TrackedFile file) {
        if (file.assembler != null) {
            MultilineAssembler.Event event = file.assembler.takePending();
            if (event != null) {
                event(file, event.text(), event.endPosition());
            }
        }
    }

    private void event(TrackedFile file, String text, long endPosition) {
        SchemaAndValue value;
        try {
            value = file.parser().parse(text);
        } catch (EventParseException e) {
            String where = file.pathText() + ": the event ending at byte " + endPosition + " " + e.getMessage();
            switch (parseErrors) {
                case FAIL ->
                    throw new ConnectException(
                            where + " (parse.errors=fail; set it to skip or raw to go on). Event: " + abbreviate(text));
                case SKIP -> {
                    log.warn("{}; skipped (parse.errors=skip). Event: {}", where, abbreviate(text));
                    file.sentPosition = endPosition;
                    return;
                }
                default -> value = new SchemaAndValue(Schema.STRING_SCHEMA, text);
            }
        }
        ConnectHeaders headers = null;
        if (!pathHeader.isEmpty()) {
            headers = new ConnectHeaders();
            headers.addString(pathHeader, file.pathText());
        }
        records.add(new SourceRecord(
                file.partition,
                SourceOffsets.offset(endPosition, file.fingerprintText(), file.pathText()),
                topic,
                null,
                null,
                null,
                value.schema(),
                value.value(),
                null,
                headers));
        file.sentPosition = endPosition;
        bytes += text.length();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
