package io.vertebra.connect.file.sink;

import io.vertebra.connect.confine.AllowedDirs;
import io.vertebra.connect.file.config.Choice;
import io.vertebra.connect.file.config.ConfigProblems;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The file sink's settings: every key declared once in {@link #CONFIG_DEF}, parsed once. Construction reports every
 * problem of a configuration at once.
 */
public final class FileSinkConfig {
    public static final String FILE_PATH = "file.path";
    public static final String FORMAT = "format";
    public static final String NULL_VALUES = "null.values";
    public static final String ROLL_SIZE_BYTES = "roll.size.bytes";
    public static final String ROLL_INTERVAL_MS = "roll.interval.ms";
    public static final String FSYNC = "fsync";
    public static final String WRITE_BUFFER_BYTES = "write.buffer.bytes";

    /** Connect's own keys the cross-checks read (the worker passes them to the connector). */
    static final String TASKS_MAX = "tasks.max";

    static final String TOPICS = "topics";
    static final String TOPICS_REGEX = "topics.regex";

    public enum Format {
        LINE,
        JSON
    }

    private static final String GROUP = "File";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(
                    FILE_PATH,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.Validator() {
                        @Override
                        public void ensureValid(String name, Object value) {
                            String text = value == null ? "" : ((String) value).trim();
                            if (text.isEmpty()) {
                                throw new ConfigException(name, value, "must be the path of the output file");
                            }
                            List<String> unknown = PathTemplate.unknownPlaceholders(text);
                            if (!unknown.isEmpty()) {
                                throw new ConfigException(
                                        name,
                                        value,
                                        "has " + String.join(", ", unknown) + "; the placeholders are ${topic} and"
                                                + " ${partition}");
                            }
                        }

                        @Override
                        public String toString() {
                            return "a file path, may contain ${topic} and ${partition}";
                        }
                    },
                    Importance.HIGH,
                    "The file records are appended to, e.g. /data/out/${topic}-${partition}.log. With ${topic} and"
                            + " ${partition} each topic partition gets its own file, which tasks.max > 1 needs: a"
                            + " file has one writer. A hidden .<name>.commit file beside it records what is committed.",
                    GROUP,
                    1,
                    Width.LONG,
                    "File path")
            .define(
                    FORMAT,
                    Type.STRING,
                    "line",
                    Choice.of("line", "json"),
                    Importance.HIGH,
                    "'line' writes string values as they are (and other values as JSON), 'json' writes every value"
                            + " as one line of JSON.",
                    GROUP,
                    2,
                    Width.SHORT,
                    "Format",
                    Choice.of("line", "json"))
            .define(
                    NULL_VALUES,
                    Type.STRING,
                    "skip",
                    Choice.of("skip", "write"),
                    Importance.LOW,
                    "Records with a null value (tombstones): 'skip' writes nothing, 'write' an empty line (line) or"
                            + " null (json).",
                    GROUP,
                    3,
                    Width.SHORT,
                    "Null values",
                    Choice.of("skip", "write"))
            .define(
                    ROLL_SIZE_BYTES,
                    Type.LONG,
                    0L,
                    Range.atLeast(0),
                    Importance.MEDIUM,
                    "Roll the file when it reaches this many bytes: it is renamed to <name>.000001 (then .000002 ...)"
                            + " and a new file is started. 0 never rolls by size.",
                    GROUP,
                    4,
                    Width.SHORT,
                    "Roll size (bytes)")
            .define(
                    ROLL_INTERVAL_MS,
                    Type.LONG,
                    0L,
                    Range.atLeast(0),
                    Importance.MEDIUM,
                    "Roll the file when its first record is this old (checked on every put and commit). 0 never"
                            + " rolls by time.",
                    GROUP,
                    5,
                    Width.SHORT,
                    "Roll interval (ms)")
            .define(
                    FSYNC,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Whether every commit (flush) forces the file to disk before its offsets are committed. Without it"
                            + " a power loss can lose committed records; a process crash cannot.",
                    GROUP,
                    6,
                    Width.SHORT,
                    "Fsync on commit")
            .define(
                    WRITE_BUFFER_BYTES,
                    Type.INT,
                    256 * 1024,
                    Range.between(1024, 64 * 1024 * 1024),
                    Importance.LOW,
                    "Bytes buffered per file before they are written.",
                    GROUP,
                    7,
                    Width.SHORT,
                    "Write buffer bytes");

    private final PathTemplate filePath;
    private final Format format;
    private final boolean writeNulls;
    private final long rollSizeBytes;
    private final long rollIntervalMs;
    private final boolean fsync;
    private final int writeBufferBytes;

    /** Parses {@code props}; throws one {@code ConfigException} naming every invalid setting. */
    public FileSinkConfig(Map<String, String> props) {
        validate(props).throwIfAny("file sink");
        Map<String, Object> v = CONFIG_DEF.parse(props);
        filePath = new PathTemplate((String) v.get(FILE_PATH));
        format = Format.valueOf(Choice.normalize((String) v.get(FORMAT)).toUpperCase(Locale.ROOT));
        writeNulls = "write".equals(Choice.normalize((String) v.get(NULL_VALUES)));
        rollSizeBytes = (Long) v.get(ROLL_SIZE_BYTES);
        rollIntervalMs = (Long) v.get(ROLL_INTERVAL_MS);
        fsync = (Boolean) v.get(FSYNC);
        writeBufferBytes = (Integer) v.get(WRITE_BUFFER_BYTES);
    }

    /**
     * Every problem of {@code props}: each key's own validator, the directories the worker allows ({@link
     * AllowedDirs}), then the one-writer-per-file rule.
     */
    public static ConfigProblems validate(Map<String, String> props) {
        ConfigProblems problems = ConfigProblems.validate(CONFIG_DEF, props);
        if (problems.isValid(FILE_PATH)) {
            PathTemplate path = new PathTemplate((String) problems.value(FILE_PATH));
            // topic names cannot hold '/' or be '..', so any topic and partition land in the same directory
            AllowedDirs.fromSystemProperty()
                    .problem(FILE_PATH, path.toString(), path.fill("topic", 0))
                    .ifPresent(problem -> problems.addMessage(FILE_PATH, problem));
            if (problems.isValid(FILE_PATH)) {
                checkOneWriterPerFile(problems, path, props);
            }
        }
        return problems;
    }

    private static void checkOneWriterPerFile(ConfigProblems problems, PathTemplate path, Map<String, String> props) {
        int tasksMax;
        try {
            tasksMax = Integer.parseInt(props.getOrDefault(TASKS_MAX, "1").trim());
        } catch (NumberFormatException e) {
            return; // Connect reports tasks.max itself
        }
        if (tasksMax > 1 && !path.hasPartition()) {
            problems.add(
                    FILE_PATH,
                    path,
                    "must contain ${partition} (and ${topic} for several topics) when tasks.max is " + tasksMax
                            + ", so that each file has one writer; or set tasks.max=1");
            return;
        }
        String topics = props.getOrDefault(TOPICS, "").trim();
        boolean severalTopics = !props.getOrDefault(TOPICS_REGEX, "").isBlank() || topics.contains(",");
        if (path.hasPartition() && !path.hasTopic() && severalTopics) {
            problems.add(
                    FILE_PATH,
                    path,
                    "must also contain ${topic}: several topics are consumed, and partition 0 of each would share"
                            + " one file");
        }
    }

    public PathTemplate filePath() {
        return filePath;
    }

    public Format format() {
        return format;
    }

    public boolean writeNulls() {
        return writeNulls;
    }

    public long rollSizeBytes() {
        return rollSizeBytes;
    }

    public long rollIntervalMs() {
        return rollIntervalMs;
    }

    public boolean fsync() {
        return fsync;
    }

    public int writeBufferBytes() {
        return writeBufferBytes;
    }
}
