package io.vertebra.connect.parquet.store;

import java.io.File;
import java.net.MalformedURLException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds the Hadoop configuration of one connector: Hadoop's defaults, then the files of {@code hadoop.conf.dir},
 * then every connector key starting with {@code fs.}, {@code dfs.}, {@code hadoop.} or {@code parquet.} as given
 * (so any Hadoop or S3A option can be set in the connector config), except the sink's own keys.
 */
public final class HadoopSettings {
    private static final String[] PASSED_PREFIXES = {"fs.", "dfs.", "hadoop.", "parquet."};
    private static final String CONF_DIR_KEY = "hadoop.conf.dir";
    private static final String CODEC_KEY = "parquet.codec";

    private HadoopSettings() {}

    public static Configuration configuration(String hadoopConfDir, Map<String, String> connectorConfig) {
        Configuration conf = new Configuration();
        // Hadoop finds FileSystem and codec classes through this loader: the plugin's, not the worker's
        conf.setClassLoader(HadoopSettings.class.getClassLoader());
        if (hadoopConfDir != null && !hadoopConfDir.isBlank()) {
            for (String file : new String[] {"core-site.xml", "hdfs-site.xml"}) {
                File site = new File(hadoopConfDir, file);
                if (site.isFile()) {
                    try {
                        conf.addResource(site.toURI().toURL());
                    } catch (MalformedURLException e) {
                        throw new IllegalArgumentException("cannot read " + site, e);
                    }
                }
            }
        }
        connectorConfig.forEach((key, value) -> {
            if (value != null && passedToHadoop(key)) {
                conf.set(key, value);
            }
        });
        return conf;
    }

    static boolean passedToHadoop(String key) {
        if (key.equals(CONF_DIR_KEY) || key.equals(CODEC_KEY)) {
            return false;
        }
        for (String prefix : PASSED_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
