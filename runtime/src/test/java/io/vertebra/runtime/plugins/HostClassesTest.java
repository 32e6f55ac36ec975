package io.vertebra.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.apache.kafka.connect.runtime.isolation.PluginUtils;
import org.junit.jupiter.api.Test;

/** Our delegation rules, name by name against Kafka Connect's own {@code PluginUtils.shouldLoadInIsolation}. */
class HostClassesTest {
    @Test
    void everyKafkaClassAndTheEdgeCasesAreDelegatedAsKafkaConnectDelegatesThem() throws IOException {
        List<String> names = new ArrayList<>(List.of(
                "java.lang.String",
                "javax.sql.DataSource",
                "javax.xml.stream.XMLStreamReader",
                "javax.cache.Cache",
                "javax.money.MonetaryAmount",
                "jakarta.persistence.Entity",
                "jdk.internal.misc.Unsafe",
                "sun.misc.Unsafe",
                "org.w3c.dom.Node",
                "org.slf4j.Logger",
                "org.slf4j.impl.StaticLoggerBinder",
                "org.apache.kafka.connect.transforms.Transformation",
                "org.apache.kafka.connect.transforms.predicates.Predicate",
                "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
                "org.apache.kafka.connect.transforms.RegexRouter",
                "org.apache.kafka.connect.mirror.MirrorSourceConnector",
                "org.apache.kafka.connect.mirror-client.Anything",
                "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy",
                "org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest",
                "org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest$ClientType",
                "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy",
                "org.apache.kafka.common.config.provider.ConfigProvider",
                "org.apache.kafka.common.config.provider.FileConfigProvider",
                "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension",
                "org.apache.kafka.connect.storage.StringConverter",
                "org.apache.kafka.connect.storage.Converter",
                "io.debezium.connector.jdbc.JdbcSinkConnector",
                "com.fasterxml.jackson.databind.ObjectMapper"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String file = new File(entry).getName();
            if (file.endsWith(".jar") && (file.startsWith("connect-") || file.startsWith("kafka-clients"))) {
                try (JarFile jar = new JarFile(entry)) {
                    jar.stream()
                            .map(e -> e.getName())
                            .filter(n -> n.endsWith(".class"))
                            .map(n -> n.substring(0, n.length() - 6).replace('/', '.'))
                            .forEach(names::add);
                }
            }
        }
        assertTrue(names.size() > 3000, "the Kafka jars are on the test class path: " + names.size());
        for (String name : names) {
            assertEquals(!PluginUtils.shouldLoadInIsolation(name), HostClasses.fromHost(name), name);
        }
        assertTrue(HostClasses.fromHost("org.apache.kafka.connect.runtime.InternalSinkRecord"));
        assertFalse(HostClasses.fromHost("org.apache.kafka.connect.file.FileStreamSinkConnector"));
    }
}
