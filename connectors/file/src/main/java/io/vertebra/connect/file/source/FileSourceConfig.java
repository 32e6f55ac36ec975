package io.vertebra.connect.file.source;

import io.vertebra.connect.confine.AllowedDirs;
import io.vertebra.connect.file.config.AsciiCompatibleCharset;
import io.vertebra.connect.file.config.Choice;
import io.vertebra.connect.file.config.ConfigProblems;
import io.vertebra.connect.file.config.GlobSyntax;
import io.vertebra.connect.file.config.RegexSyntax;
import io.vertebra.connect.file.config.SingleCharacter;
import io.vertebra.connect.file.source.parse.CsvColumn;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The file source's settings: every key declared once in {@link #CONFIG_DEF} (type, default, validator, importance,
 * documentation), parsed once into immutable fields. Construction reports every problem of a configuration at once.
 */
public final class FileSourceConfig {
    public static final String TOPIC = "topic";
    public static final String FILE_PATHS = "file.paths";
    public static final String FILE_PATTERN = "file.pattern";
    public static final String FILE_EXCLUDE_PATTERN = "file.exclude.pattern";
    public static final String START_POSITION = "start.position";
    public static final String FORMAT = "format";
    public static final String ENCODING = "encoding";
    public static final String MULTILINE_START_PATTERN = "multiline.start.pattern";
    public static final String MULTILINE_MAX_LINES = "multiline.max.lines";
    public static final String MULTILINE_TIMEOUT_MS = "multiline.timeout.ms";
    public static final String CSV_HEADER = "csv.header";
    public static final String CSV_COLUMNS = "csv.columns";
    public static final String CSV_DELIMITER = "csv.delimiter";
    public static final String CSV_QUOTE = "csv.quote";
    public static final String PARSE_ERRORS = "parse.errors";
    public static final String PATH_HEADER = "path.header";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_MAX_BYTES = "batch.max.bytes";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String SCAN_INTERVAL_MS = "file.scan.interval.ms";
    public static final String CLOSE_IDLE_MS = "file.close.idle.ms";
    public static final String FINGERPRINT_BYTES = "file.fingerprint.bytes";
    public static final String READ_BUFFER_BYTES = "read.buffer.bytes";
    public static final String LINE_MAX_BYTES = "line.max.bytes";

    public enum StartPosition {
        BEGINNING,
        END
    }

    public enum Format {
        LINE,
        JSON,
        CSV
    }

    /** What a line that cannot be parsed as {@code format} becomes. */
    public enum ParseErrors {
        /** The task fails, naming the file and byte position. */
        FAIL,
        /** The line is logged and skipped. */
        SKIP,
        /** The line is sent as a plain string instead. */
        RAW
    }

    private static final String FILES_GROUP = "Files";
    private static final String FORMAT_GROUP = "Format";
    private static final String TUNING_GROUP = "Tuning";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(
                    TOPIC,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "The topic every event is written to.",
                    FILES_GROUP,
                    1,
                    Width.MEDIUM,
                    "Topic")
            .define(
                    FILE_PATHS,
                    Type.LIST,
                    "",
                    Importance.HIGH,
                    "Files to tail, comma-separated. A path that does not exist yet is picked up when it appears."
                            + " Each entry and file.pattern can go to its own task (tasks.max).",
                    FILES_GROUP,
                    2,
                    Width.LONG,
                    "File paths")
            .define(
                    FILE_PATTERN,
                    Type.STRING,
                    "",
                    new GlobSyntax(),
                    Importance.HIGH,
                    "A glob naming the files to tail, e.g. /var/log/app/*.log or /data/**/*.json; new matches are"
                            + " picked up every file.scan.interval.ms. Include the names files are rotated to"
                            + " (app.log*) so that lines written just before a rotation are not missed.",
                    FILES_GROUP,
                    3,
                    Width.LONG,
                    "File pattern")
            .define(
                    FILE_EXCLUDE_PATTERN,
                    Type.STRING,
                    "**.{gz,bz2,xz,zst,zip,lz4}",
                    new GlobSyntax(),
                    Importance.LOW,
                    "A glob of paths never read, even if file.pattern matches them; a glob not starting with / matches"
                            + " at any depth. By default compressed files (rotated logs compressed by logrotate)."
                            + " Empty to read everything.",
                    FILES_GROUP,
                    4,
                    Width.LONG,
                    "Exclude pattern")
            .define(
                    START_POSITION,
                    Type.STRING,
                    "beginning",
                    Choice.of("beginning", "end"),
                    Importance.MEDIUM,
                    "Where to start in a file that has no stored offset and exists when the task starts: 'beginning'"
                            + " reads it whole, 'end' only what is appended from now on. Files that appear later are"
                            + " always read from their beginning.",
                    FILES_GROUP,
                    5,
                    Width.SHORT,
                    "Start position",
                    Choice.of("beginning", "end"))
            .define(
                    FORMAT,
                    Type.STRING,
                    "line",
                    Choice.of("line", "json", "csv"),
                    Importance.HIGH,
                    "How an event is turned into a record value: 'line' a string, 'json' a struct whose schema is"
                            + " inferred from each JSON object, 'csv' a struct with one optional field per column.",
                    FORMAT_GROUP,
                    1,
                    Width.SHORT,
                    "Format",
                    Choice.of("line", "json", "csv"))
            .define(
                    ENCODING,
                    Type.STRING,
                    "UTF-8",
                    new AsciiCompatibleCharset(),
                    Importance.LOW,
                    "The character set of the files. Must encode a newline as the byte 0x0A (UTF-8, ISO-8859-1 ...).",
                    FORMAT_GROUP,
                    2,
                    Width.SHORT,
                    "Encoding")
            .define(
                    MULTILINE_START_PATTERN,
                    Type.STRING,
                    "",
                    new RegexSyntax(),
                    Importance.MEDIUM,
                    "A regular expression found in the first line of every event, e.g. ^\\d{4}-\\d{2}-\\d{2} for"
                            + " log lines starting with a date. A line in which it is not found joins the event"
                            + " before it (stack traces), separated by a newline. Empty: every line is an event.",
                    FORMAT_GROUP,
                    3,
                    Width.LONG,
                    "Multi-line start pattern")
            .define(
                    MULTILINE_MAX_LINES,
                    Type.INT,
                    500,
                    Range.atLeast(1),
                    Importance.LOW,
                    "The most lines one multi-line event holds; the next line starts a new event.",
                    FORMAT_GROUP,
                    4,
                    Width.SHORT,
                    "Multi-line max lines")
            .define(
                    MULTILINE_TIMEOUT_MS,
                    Type.LONG,
                    1000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "How long a multi-line event waits for more lines before it is sent without them.",
                    FORMAT_GROUP,
                    5,
                    Width.SHORT,
                    "Multi-line timeout (ms)")
            .define(
                    CSV_HEADER,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Whether the first line of each CSV file names the columns. It is never sent as an event.",
                    FORMAT_GROUP,
                    6,
                    Width.SHORT,
                    "CSV header line")
            .define(
                    CSV_COLUMNS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "The CSV columns as name or name:type, type one of string, int32, int64, float64, boolean"
                            + " (default string). Overrides the names of a header line. Empty fields are null.",
                    FORMAT_GROUP,
                    7,
                    Width.LONG,
                    "CSV columns")
            .define(
                    CSV_DELIMITER,
                    Type.STRING,
                    ",",
                    new SingleCharacter(),
                    Importance.LOW,
                    "The character between CSV fields; \\t for a tab.",
                    FORMAT_GROUP,
                    8,
                    Width.SHORT,
                    "CSV delimiter")
            .define(
                    CSV_QUOTE,
                    Type.STRING,
                    "\"",
                    new SingleCharacter(),
                    Importance.LOW,
                    "The character that quotes a CSV field (doubled inside a quoted field).",
                    FORMAT_GROUP,
                    9,
                    Width.SHORT,
                    "CSV quote")
            .define(
                    PARSE_ERRORS,
                    Type.STRING,
                    "fail",
                    Choice.of("fail", "skip", "raw"),
                    Importance.MEDIUM,
                    "What happens to an event that is not valid for the format: 'fail' stops the task naming the"
                            + " file and byte position, 'skip' logs and drops it, 'raw' sends it as a plain string.",
                    FORMAT_GROUP,
                    10,
                    Width.SHORT,
                    "Parse errors",
                    Choice.of("fail", "skip", "raw"))
            .define(
                    PATH_HEADER,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "If set, the name of a record header that carries the path of the file the event came from.",
                    FORMAT_GROUP,
                    11,
                    Width.MEDIUM,
                    "Path header")
            .define(
                    BATCH_SIZE,
                    Type.INT,
                    8192,
                    Range.between(1, 1_000_000),
                    Importance.LOW,
                    "The most records one poll returns.",
                    TUNING_GROUP,
                    1,
                    Width.SHORT,
                    "Batch size")
            .define(
                    BATCH_MAX_BYTES,
                    Type.INT,
                    8 * 1024 * 1024,
                    Range.between(1024, 256 * 1024 * 1024),
                    Importance.LOW,
                    "The most event bytes one poll returns (a poll returns at least one event).",
                    TUNING_GROUP,
                    2,
                    Width.SHORT,
                    "Batch max bytes")
            .define(
                    POLL_INTERVAL_MS,
                    Type.LONG,
                    100L,
                    Range.between(1, 60_000),
                    Importance.LOW,
                    "How long a poll waits for new data when every file is at its end.",
                    TUNING_GROUP,
                    3,
                    Width.SHORT,
                    "Poll interval (ms)")
            .define(
                    SCAN_INTERVAL_MS,
                    Type.LONG,
                    1000L,
                    Range.between(1, 3_600_000),
                    Importance.LOW,
                    "How often paths and the pattern are checked for new, rotated, truncated and deleted files.",
                    TUNING_GROUP,
                    4,
                    Width.SHORT,
                    "Scan interval (ms)")
            .define(
                    CLOSE_IDLE_MS,
                    Type.LONG,
                    5000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "A file that was rotated away from the watched names or deleted is read until it has not"
                            + " grown for this long (a writer may still be appending to it), then closed.",
                    TUNING_GROUP,
                    5,
                    Width.SHORT,
                    "Close idle files after (ms)")
            .define(
                    FINGERPRINT_BYTES,
                    Type.INT,
                    1024,
                    Range.between(16, 65536),
                    Importance.LOW,
                    "How many leading bytes identify a file together with its inode; they tell a reused inode"
                            + " or a truncated file from the file whose offset was stored.",
                    TUNING_GROUP,
                    6,
                    Width.SHORT,
                    "Fingerprint bytes")
            .define(
                    READ_BUFFER_BYTES,
                    Type.INT,
                    256 * 1024,
                    Range.between(4096, 64 * 1024 * 1024),
                    Importance.LOW,
                    "The size of each read from a file.",
                    TUNING_GROUP,
                    7,
                    Width.SHORT,
                    "Read buffer bytes")
            .define(
                    LINE_MAX_BYTES,
                    Type.INT,
                    1024 * 1024,
                    Range.between(16, 256 * 1024 * 1024),
                    Importance.LOW,
                    "The longest line; a longer line is sent in pieces of this many bytes.",
                    TUNING_GROUP,
                    8,
                    Width.SHORT,
                    "Line max bytes");

    private final String topic;
    private final List<String> filePaths;
    private final String filePattern;
    private final String excludePattern;
    private final StartPosition startPosition;
    private final Format format;
    private final Charset encoding;
    private final Pattern multilineStart;
    private final int multilineMaxLines;
    private final long multilineTimeoutMs;
    private final boolean csvHeader;
    private final List<CsvColumn> csvColumns;
    private final char csvDelimiter;
    private final char csvQuote;
    private final ParseErrors parseErrors;
    private final String pathHeader;
    private final int batchSize;
    private final int batchMaxBytes;
    private final long pollIntervalMs;
    private final long scanIntervalMs;
    private final long closeIdleMs;
    private final int fingerprintBytes;
    private final int readBufferBytes;
    private final int lineMaxBytes;

    /** Parses {@code props}; throws one {@code ConfigException} naming every invalid setting. */
    public FileSourceConfig(Map<String, String> props) {
        ConfigProblems problems = validate(props);
        problems.throwIfAny("file source");
        Map<String, Object> v = CONFIG_DEF.parse(props);
        topic = ((String) v.get(TOPIC)).trim();
        @SuppressWarnings("unchecked")
        List<String> paths = (List<String>) v.get(FILE_PATHS);
        filePaths = List.copyOf(paths);
        filePattern = (String) v.get(FILE_PATTERN);
        excludePattern = (String) v.get(FILE_EXCLUDE_PATTERN);
        startPosition = StartPosition.valueOf(
                Choice.normalize((String) v.get(START_POSITION)).toUpperCase(Locale.ROOT));
        format = Format.valueOf(Choice.normalize((String) v.get(FORMAT)).toUpperCase(Locale.ROOT));
        encoding = Charset.forName((String) v.get(ENCODING));
        String multiline = (String) v.get(MULTILINE_START_PATTERN);
        multilineStart = multiline.isEmpty() ? null : Pattern.compile(multiline);
        multilineMaxLines = (Integer) v.get(MULTILINE_MAX_LINES);
        multilineTimeoutMs = (Long) v.get(MULTILINE_TIMEOUT_MS);
        csvHeader = (Boolean) v.get(CSV_HEADER);
        @SuppressWarnings("unchecked")
        List<String> columns = (List<String>) v.get(CSV_COLUMNS);
        csvColumns = columns.stream().map(CsvColumn::parse).toList();
        csvDelimiter = SingleCharacter.of((String) v.get(CSV_DELIMITER));
        csvQuote = SingleCharacter.of((String) v.get(CSV_QUOTE));
        parseErrors = ParseErrors.valueOf(
                Choice.normalize((String) v.get(PARSE_ERRORS)).toUpperCase(Locale.ROOT));
        pathHeader = ((String) v.get(PATH_HEADER)).trim();
        batchSize = (Integer) v.get(BATCH_SIZE);
        batchMaxBytes = (Integer) v.get(BATCH_MAX_BYTES);
        pollIntervalMs = (Long) v.get(POLL_INTERVAL_MS);
        scanIntervalMs = (Long) v.get(SCAN_INTERVAL_MS);
        closeIdleMs = (Long) v.get(CLOSE_IDLE_MS);
        fingerprintBytes = (Integer) v.get(FINGERPRINT_BYTES);
        readBufferBytes = (Integer) v.get(READ_BUFFER_BYTES);
        lineMaxBytes = (Integer) v.get(LINE_MAX_BYTES);
    }

    /** Every problem of {@code props}: each key's own validator, then the checks that involve several keys. */
    public static ConfigProblems validate(Map<String, String> props) {
        ConfigProblems problems = ConfigProblems.validate(CONFIG_DEF, props);
        checkAllowedDirs(problems, AllowedDirs.fromSystemProperty());
        checkFiles(problems);
        checkCsv(problems);
        return problems;
    }

    /**
     * Every file of file.paths and the directory file.pattern is matched below must lie in the directories the worker
     * allows. The task checks each file again when it opens it: a glob may match a link that leads elsewhere.
     */
    private static void checkAllowedDirs(ConfigProblems problems, AllowedDirs allowed) {
        if (!allowed.restricted()) {
            return;
        }
        if (problems.isValid(FILE_PATHS)) {
            @SuppressWarnings("unchecked")
            List<String> paths = (List<String>) problems.value(FILE_PATHS);
            for (String entry : paths) {
                if (!entry.isBlank()) {
                    allowed.problem(FILE_PATHS, entry.trim()).ifPresent(p -> problems.addMessage(FILE_PATHS, p));
                }
            }
        }
        if (problems.isValid(FILE_PATTERN)) {
            String pattern = (String) problems.value(FILE_PATTERN);
            if (!pattern.isEmpty()) {
                String glob = absoluteGlob(pattern);
                if (glob.contains("/../") || glob.endsWith("/..")) {
                    problems.add(FILE_PATTERN, pattern, "must not contain '..': connectors may only use " + allowed);
                } else {
                    allowed.problem(
                                    FILE_PATTERN,
                                    pattern,
                                    FileDiscovery.baseDirectory(glob).toString())
                            .ifPresent(p -> problems.addMessage(FILE_PATTERN, p));
                }
            }
        }
    }

    private static void checkFiles(ConfigProblems problems) {
        if (!problems.isValid(FILE_PATHS) || !problems.isValid(FILE_PATTERN)) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> paths = (List<String>) problems.value(FILE_PATHS);
        String pattern = (String) problems.value(FILE_PATTERN);
        if (paths.isEmpty() && pattern.isEmpty()) {
            problems.add(
                    FILE_PATHS, "", "set file.paths (a list of files), file.pattern (a glob), or both; both are empty");
            return;
        }
        Set<Path> seen = new HashSet<>();
        PathMatcher matcher =
                pattern.isEmpty() ? null : FileSystems.getDefault().getPathMatcher("glob:" + absoluteGlob(pattern));
        for (String entry : paths) {
            if (entry.isBlank()) {
                problems.add(FILE_PATHS, paths, "must not contain an empty entry");
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (!seen.add(path)) {
                problems.add(FILE_PATHS, paths, "lists " + entry + " twice; list each file once");
            } else if (matcher != null && matcher.matches(path)) {
                problems.add(
                        FILE_PATHS,
                        paths,
                        entry + " is also matched by file.pattern " + pattern
                                + "; each file must be watched once, or it is read twice");
            }
        }
    }

    private static void checkCsv(ConfigProblems problems) {
        if (!problems.isValid(FORMAT) || !"csv".equals(Choice.normalize((String) problems.value(FORMAT)))) {
            return;
        }
        if (problems.isValid(CSV_COLUMNS)) {
            @SuppressWarnings("unchecked")
            List<String> columns = (List<String>) problems.value(CSV_COLUMNS);
            Set<String> names = new HashSet<>();
            for (String column : columns) {
                try {
                    CsvColumn parsed = CsvColumn.parse(column);
                    if (!names.add(parsed.name())) {
                        problems.add(CSV_COLUMNS, columns, "names column " + parsed.name() + " twice");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(CSV_COLUMNS, columns, e.getMessage());
                }
            }
            if (columns.isEmpty() && problems.isValid(CSV_HEADER) && !Boolean.TRUE.equals(problems.value(CSV_HEADER))) {
                problems.add(
                        CSV_COLUMNS,
                        "",
                        "format csv needs column names: list them in csv.columns or set csv.header=true");
            }
        }
        if (problems.isValid(CSV_DELIMITER)
                && problems.isValid(CSV_QUOTE)
                && SingleCharacter.of((String) problems.value(CSV_DELIMITER))
                        == SingleCharacter.of((String) problems.value(CSV_QUOTE))) {
            problems.add(CSV_QUOTE, problems.value(CSV_QUOTE), "must differ from csv.delimiter");
        }
    }

    /** A relative glob is taken relative to the worker's working directory, like a relative path. */
    static String absoluteGlob(String glob) {
        if (glob.startsWith("/") || glob.matches("^[A-Za-z]:[\\\\/].*")) {
            return glob;
        }
        String base = Path.of("").toAbsolutePath().toString();
        return base.endsWith("/") ? base + glob : base + "/" + glob;
    }

    public String topic() {
        return topic;
    }

    public List<String> filePaths() {
        return filePaths;
    }

    /** The glob, empty when unset. */
    public String filePattern() {
        return filePattern;
    }

    public String excludePattern() {
        return excludePattern;
    }

    public StartPosition startPosition() {
        return startPosition;
    }

    public Format format() {
        return format;
    }

    public Charset encoding() {
        return encoding;
    }

    /** The multi-line start pattern, or null when every line is an event. */
    public Pattern multilineStart() {
        return multilineStart;
    }

    public int multilineMaxLines() {
        return multilineMaxLines;
    }

    public long multilineTimeoutMs() {
        return multilineTimeoutMs;
    }

    public boolean csvHeader() {
        return csvHeader;
    }

    public List<CsvColumn> csvColumns() {
        return csvColumns;
    }

    public char csvDelimiter() {
        return csvDelimiter;
    }

    public char csvQuote() {
        return csvQuote;
    }

    public ParseErrors parseErrors() {
        return parseErrors;
    }

    /** The header carrying the file path, empty when none. */
    public String pathHeader() {
        return pathHeader;
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchMaxBytes() {
        return batchMaxBytes;
    }

    public long pollIntervalMs() {
        return pollIntervalMs;
    }

    public long scanIntervalMs() {
        return scanIntervalMs;
    }

    public long closeIdleMs() {
        return closeIdleMs;
    }

    public int fingerprintBytes() {
        return fingerprintBytes;
    }

    public int readBufferBytes() {
        return readBufferBytes;
    }

    public int lineMaxBytes() {
        return lineMaxBytes;
    }
}
