package io.vertebra.connect.jdbc.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The JDBC sink's configuration. Every key is declared once in {@link #CONFIG_DEF} (type, default, validator,
 * documentation); the names are the Confluent JDBC sink's where one exists, so existing configs work unchanged.
 *
 * <p>Checks that involve several keys live in {@link #crossKeyProblems()}, so that {@code validate} reports every
 * problem at once, each naming the key, the value and what would be valid. Immutable once constructed.
 */
public final class JdbcSinkConfig extends AbstractConfig {
    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USER = "connection.user";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String INSERT_MODE = "insert.mode";
    public static final String PK_MODE = "pk.mode";
    public static final String PK_FIELDS = "pk.fields";
    public static final String FIELDS_WHITELIST = "fields.whitelist";
    public static final String FIELD_INCLUDE_LIST = "field.include.list";
    public static final String TABLE_NAME_FORMAT = "table.name.format";
    public static final String AUTO_CREATE = "auto.create";
    public static final String AUTO_EVOLVE = "auto.evolve";
    public static final String DELETE_ENABLED = "delete.enabled";
    public static final String TRUNCATE_ENABLED = "truncate.enabled";
    public static final String BATCH_SIZE = "batch.size";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String QUOTE_SQL_IDENTIFIERS = "quote.sql.identifiers";
    public static final String DB_TIMEZONE = "db.timezone";
    public static final String EXACTLY_ONCE_ENABLED = "exactly.once.enabled";
    public static final String OFFSETS_TABLE_NAME = "offsets.table.name";
    public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";

    /** The connector's name; Kafka Connect puts it into every connector config. */
    public static final String CONNECTOR_NAME = "name";

    public static final String DEFAULT_OFFSETS_TABLE = "__vertebra_sink_offsets";

    private static final String GROUP_CONNECTION = "Connection";
    private static final String GROUP_WRITES = "Writes";
    private static final String GROUP_DDL = "Data definition";
    private static final String GROUP_RETRIES = "Retries";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(
                    CONNECTION_URL,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    JdbcSinkConfig::validateUrl,
                    Importance.HIGH,
                    "JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://db:5432/shop.",
                    GROUP_CONNECTION,
                    1,
                    Width.LONG,
                    "JDBC URL")
            .define(
                    CONNECTION_USER,
                    Type.STRING,
                    null,
                    Importance.HIGH,
                    "Database user.",
                    GROUP_CONNECTION,
                    2,
                    Width.MEDIUM,
                    "User")
            .define(
                    CONNECTION_PASSWORD,
                    Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Database password; masked in every response and log line.",
                    GROUP_CONNECTION,
                    3,
                    Width.MEDIUM,
                    "Password")
            .define(
                    CONNECTION_TIMEOUT_MS,
                    Type.LONG,
                    10_000L,
                    ConfigDef.Range.atLeast(250),
                    Importance.LOW,
                    "How long one attempt waits for a database connection before it counts as a failed attempt.",
                    GROUP_CONNECTION,
                    4,
                    Width.SHORT,
                    "Connection timeout (ms)")
            .define(
                    INSERT_MODE,
                    Type.STRING,
                    InsertMode.INSERT.configValue(),
                    ConfigDef.CaseInsensitiveValidString.in(InsertMode.configValues()),
                    Importance.HIGH,
                    "insert: plain INSERT (a duplicate key fails); upsert: insert or update by primary key; update:"
                            + " update existing rows only.",
                    GROUP_WRITES,
                    1,
                    Width.SHORT,
                    "Insert mode")
            .define(
                    PK_MODE,
                    Type.STRING,
                    PkMode.NONE.configValue(),
                    ConfigDef.CaseInsensitiveValidString.in(PkMode.configValues()),
                    Importance.HIGH,
                    "Where the primary key comes from. none: no key; kafka: topic, partition and offset;"
                            + " record_key: the record key (a primitive or a struct); record_value: fields of the"
                            + " value.",
                    GROUP_WRITES,
                    2,
                    Width.SHORT,
                    "Primary key mode")
            .define(
                    PK_FIELDS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Primary key column names. kafka: three names for topic, partition, offset (default"
                            + " __connect_topic,__connect_partition,__connect_offset); record_key: the key struct's"
                            + " fields to use (default all), or the one column name of a primitive key; record_value:"
                            + " the value fields to use (default all).",
                    GROUP_WRITES,
                    3,
                    Width.LONG,
                    "Primary key fields")
            .define(
                    FIELDS_WHITELIST,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Value fields to write (default: all). Key columns are always written.",
                    GROUP_WRITES,
                    4,
                    Width.LONG,
                    "Fields to write")
            .define(
                    FIELD_INCLUDE_LIST,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "Alias of " + FIELDS_WHITELIST + " (the Debezium JDBC sink's name); entries may be written"
                            + " field or topic:field.",
                    GROUP_WRITES,
                    5,
                    Width.LONG,
                    "Field include list")
            .define(
                    TABLE_NAME_FORMAT,
                    Type.STRING,
                    "${topic}",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Destination table; ${topic} is replaced by the record's topic. 'schema.table' names a schema;"
                            + " a name with more than one dot (a Debezium topic such as server.schema.table) has its"
                            + " dots replaced by underscores.",
                    GROUP_WRITES,
                    6,
                    Width.LONG,
                    "Table name format")
            .define(
                    DELETE_ENABLED,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "A tombstone (null value) or a Debezium op=d event deletes the row with the record's key."
                            + " Needs pk.mode=record_key.",
                    GROUP_WRITES,
                    7,
                    Width.SHORT,
                    "Deletes")
            .define(
                    TRUNCATE_ENABLED,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "A Debezium op=t event truncates the destination table.",
                    GROUP_WRITES,
                    8,
                    Width.SHORT,
                    "Truncates")
            .define(
                    BATCH_SIZE,
                    Type.INT,
                    3000,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Most records written in one database transaction.",
                    GROUP_WRITES,
                    9,
                    Width.SHORT,
                    "Batch size")
            .define(
                    QUOTE_SQL_IDENTIFIERS,
                    Type.STRING,
                    IdentifierQuoting.ALWAYS.configValue(),
                    ConfigDef.CaseInsensitiveValidString.in(IdentifierQuoting.configValues()),
                    Importance.LOW,
                    "always: table and column names keep their case and characters; never: PostgreSQL folds"
                            + " them to lower case.",
                    GROUP_WRITES,
                    10,
                    Width.SHORT,
                    "Quote identifiers")
            .define(
                    DB_TIMEZONE,
                    Type.STRING,
                    "UTC",
                    JdbcSinkConfig::validateZone,
                    Importance.MEDIUM,
                    "Time zone in which Connect timestamps (which carry none) are written into timestamp columns"
                            + " without time zone.",
                    GROUP_WRITES,
                    11,
                    Width.SHORT,
                    "Database time zone")
            .define(
                    EXACTLY_ONCE_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Commit each batch's rows and its Kafka offsets in one database transaction, and resume from"
                            + " the stored offsets: no record is written twice, even with insert.mode=insert.",
                    GROUP_WRITES,
                    12,
                    Width.SHORT,
                    "Exactly once")
            .define(
                    OFFSETS_TABLE_NAME,
                    Type.STRING,
                    DEFAULT_OFFSETS_TABLE,
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "Table holding the committed offsets (connector, topic, partition); created when missing.",
                    GROUP_WRITES,
                    13,
                    Width.MEDIUM,
                    "Offsets table")
            .define(
                    AUTO_CREATE,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Create a missing destination table (with its primary key) from the record's schema.",
                    GROUP_DDL,
                    1,
                    Width.SHORT,
                    "Auto create")
            .define(
                    AUTO_EVOLVE,
                    Type.BOOLEAN,
                    false,
                    Importance.MEDIUM,
                    "Add a nullable column when a record has a field the table lacks.",
                    GROUP_DDL,
                    2,
                    Width.SHORT,
                    "Auto evolve")
            .define(
                    MAX_RETRIES,
                    Type.INT,
                    10,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "How many times a batch is retried after a transient database error before the task fails.",
                    GROUP_RETRIES,
                    1,
                    Width.SHORT,
                    "Max retries")
            .define(
                    RETRY_BACKOFF_MS,
                    Type.LONG,
                    3000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "Wait between retries; doubles after each failed attempt, up to ten times this value.",
                    GROUP_RETRIES,
                    2,
                    Width.SHORT,
                    "Retry backoff (ms)");

    private final String connectorName;
    private final InsertMode insertMode;
    private final PkMode pkMode;
    private final List<String> pkFields;
    private final List<String> includedFields;
    private final IdentifierQuoting quoting;
    private final ZoneId dbZone;

    public JdbcSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.connectorName = props.getOrDefault(CONNECTOR_NAME, "jdbc-sink");
        this.insertMode = InsertMode.parse(getString(INSERT_MODE));
        this.pkMode = PkMode.parse(getString(PK_MODE));
        this.pkFields = List.copyOf(getList(PK_FIELDS));
        List<String> include = new ArrayList<>(getList(FIELDS_WHITELIST));
        include.addAll(getList(FIELD_INCLUDE_LIST));
        this.includedFields = List.copyOf(include);
        this.quoting = IdentifierQuoting.parse(getString(QUOTE_SQL_IDENTIFIERS));
        this.dbZone = ZoneId.of(getString(DB_TIMEZONE));
        List<String> problems = crossKeyProblems();
        if (!problems.isEmpty()) {
            throw new ConfigException("Invalid JDBC sink configuration: " + String.join("; ", problems));
        }
    }

    /**
     * Problems that involve more than one key, keyed by the key to report them on. Each message names the values
     * and what would be valid.
     */
    public static Map<String, String> crossKeyProblems(Map<String, String> props) {
        Map<String, String> problems = new LinkedHashMap<>();
        InsertMode insert = InsertMode.tryParse(props.getOrDefault(INSERT_MODE, InsertMode.INSERT.configValue()));
        PkMode pk = PkMode.tryParse(props.getOrDefault(PK_MODE, PkMode.NONE.configValue()));
        if (insert == null || pk == null) {
            return problems; // the single-key validators already report these
        }
        if (insert != InsertMode.INSERT && pk == PkMode.NONE) {
            problems.put(
                    PK_MODE,
                    INSERT_MODE + "=" + insert.configValue() + " needs a primary key, but " + PK_MODE + "=none; use "
                            + PK_MODE + "=record_key, record_value or kafka");
        }
        boolean deletes =
                Boolean.parseBoolean(props.getOrDefault(DELETE_ENABLED, "false").trim());
        if (deletes && pk != PkMode.RECORD_KEY) {
            problems.put(
                    DELETE_ENABLED,
                    DELETE_ENABLED + "=true needs " + PK_MODE + "=record_key (a delete is found by the record key),"
                            + " but " + PK_MODE + "=" + pk.configValue());
        }
        String pkFields = props.getOrDefault(PK_FIELDS, "").trim();
        if (pk == PkMode.KAFKA && !pkFields.isEmpty()) {
            long count =
                    Arrays.stream(pkFields.split(",")).filter(s -> !s.isBlank()).count();
            if (count != 3) {
                problems.put(
                        PK_FIELDS,
                        PK_MODE + "=kafka needs exactly three " + PK_FIELDS
                                + " (topic, partition and offset column names) or none for the defaults, but got "
                                + count + ": '" + pkFields + "'");
            }
        }
        return problems;
    }

    private List<String> crossKeyProblems() {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : originals().entrySet()) {
            if (e.getValue() != null) {
                raw.put(e.getKey(), e.getValue().toString());
            }
        }
        return new ArrayList<>(crossKeyProblems(raw).values());
    }

    private static void validateUrl(String name, Object value) {
        if (value == null || !value.toString().startsWith("jdbc:postgresql:")) {
            throw new ConfigException(
                    name, value, "must be a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/database");
        }
    }

    private static void validateZone(String name, Object value) {
        try {
            ZoneId.of(String.valueOf(value));
        } catch (DateTimeException e) {
            throw new ConfigException(name, value, "must be a time zone id such as UTC or Europe/Paris");
        }
    }

    public String connectorName() {
        return connectorName;
    }

    public String connectionUrl() {
        return getString(CONNECTION_URL);
    }

    public String connectionUser() {
        return getString(CONNECTION_USER);
    }

    public String connectionPassword() {
        Password password = getPassword(CONNECTION_PASSWORD);
        return password == null ? null : password.value();
    }

    public long connectionTimeoutMs() {
        return getLong(CONNECTION_TIMEOUT_MS);
    }

    public InsertMode insertMode() {
        return insertMode;
    }

    public PkMode pkMode() {
        return pkMode;
    }

    public List<String> pkFields() {
        return pkFields;
    }

    /** Value fields to write; empty means all. Entries may be {@code topic:field}. */
    public List<String> includedFields() {
        return includedFields;
    }

    public String tableNameFormat() {
        return getString(TABLE_NAME_FORMAT);
    }

    public boolean autoCreate() {
        return getBoolean(AUTO_CREATE);
    }

    public boolean autoEvolve() {
        return getBoolean(AUTO_EVOLVE);
    }

    public boolean deleteEnabled() {
        return getBoolean(DELETE_ENABLED);
    }

    public boolean truncateEnabled() {
        return getBoolean(TRUNCATE_ENABLED);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public IdentifierQuoting quoting() {
        return quoting;
    }

    public ZoneId dbZone() {
        return dbZone;
    }

    public boolean exactlyOnce() {
        return getBoolean(EXACTLY_ONCE_ENABLED);
    }

    public String offsetsTableName() {
        return getString(OFFSETS_TABLE_NAME);
    }
}
