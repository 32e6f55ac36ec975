package io.vertebra.runtime.plugins;

import java.util.regex.Pattern;

/**
 * Which classes a plugin gets from the host and which it loads itself: Kafka Connect's rules
 * ({@code PluginUtils.shouldLoadInIsolation} in connect-runtime 4.x), so a plugin built for Kafka Connect sees the
 * same classes here. Checked name by name against Kafka's own method by {@code HostClassesTest}.
 *
 * <ul>
 *   <li><b>From the host</b>: the JDK packages Java EE/SE plugins expect the platform to provide ({@code java.*}
 *       and the {@code javax.*} and {@code org.omg/w3c/xml} packages listed below), all of {@code org.apache.kafka.*}
 *       (kafka-clients, connect-api, connect-runtime, ...) and {@code org.slf4j.*}.
 *   <li><b>From the plugin first</b>, the host only when the plugin lacks the class: everything else, and the parts
 *       of {@code org.apache.kafka} that are themselves plugins: the transforms and predicates of connect-transforms
 *       (not their {@code Transformation} and {@code Predicate} interfaces), connect-json, connect-file, MirrorMaker,
 *       the converters of connect-runtime, {@code StringConverter}, {@code SimpleHeaderConverter}, the basic-auth
 *       REST extension, the client-config override policies (not their interface and request types) and the config
 *       providers (not the {@code ConfigProvider} interface).
 * </ul>
 */
final class HostClasses {
    private static final Pattern SHARED = Pattern.compile("^(?:java"
            + "|javax\\.accessibility|javax\\.activation|javax\\.activity|javax\\.annotation|javax\\.batch\\.api"
            + "|javax\\.batch\\.operations|javax\\.batch\\.runtime|javax\\.crypto|javax\\.decorator|javax\\.ejb"
            + "|javax\\.el|javax\\.enterprise\\.concurrent|javax\\.enterprise\\.context"
            + "|javax\\.enterprise\\.context\\.spi|javax\\.enterprise\\.deploy\\.model"
            + "|javax\\.enterprise\\.deploy\\.shared|javax\\.enterprise\\.deploy\\.spi|javax\\.enterprise\\.event"
            + "|javax\\.enterprise\\.inject|javax\\.enterprise\\.inject\\.spi|javax\\.enterprise\\.util"
            + "|javax\\.faces|javax\\.imageio|javax\\.inject|javax\\.interceptor|javax\\.jms|javax\\.json|javax\\.jws"
            + "|javax\\.lang\\.model|javax\\.mail|javax\\.management|javax\\.management\\.j2ee|javax\\.naming"
            + "|javax\\.net|javax\\.persistence|javax\\.print|javax\\.resource|javax\\.rmi|javax\\.script"
            + "|javax\\.security\\.auth|javax\\.security\\.auth\\.message|javax\\.security\\.cert"
            + "|javax\\.security\\.jacc|javax\\.security\\.sasl|javax\\.servlet|javax\\.sound\\.midi"
            + "|javax\\.sound\\.sampled|javax\\.sql|javax\\.swing|javax\\.tools|javax\\.transaction"
            + "|javax\\.validation|javax\\.websocket|javax\\.ws\\.rs|javax\\.xml|javax\\.xml\\.bind"
            + "|javax\\.xml\\.registry|javax\\.xml\\.rpc|javax\\.xml\\.soap|javax\\.xml\\.ws"
            + "|org\\.ietf\\.jgss|org\\.omg\\.CORBA|org\\.omg\\.CosNaming|org\\.omg\\.Dynamic|org\\.omg\\.DynamicAny"
            + "|org\\.omg\\.IOP|org\\.omg\\.Messaging|org\\.omg\\.PortableInterceptor|org\\.omg\\.PortableServer"
            + "|org\\.omg\\.SendingContext|org\\.omg\\.stub\\.java\\.rmi|org\\.w3c\\.dom|org\\.xml\\.sax"
            + "|org\\.apache\\.kafka|org\\.slf4j)\\..*$");

    /** The exceptions inside {@link #SHARED}: Kafka's own plugins, which a plugin may bring in its own version. */
    private static final Pattern PLUGINS_IN_SHARED = Pattern.compile("^org\\.apache\\.kafka\\.(?:connect\\.(?:"
            + "transforms\\.(?!Transformation|predicates\\.Predicate$).*"
            + "|json\\..*|file\\..*|mirror\\..*|mirror-client\\..*|converters\\..*"
            + "|storage\\.StringConverter|storage\\.SimpleHeaderConverter"
            + "|rest\\.basic\\.auth\\.extension\\.BasicAuthSecurityRestExtension"
            + "|connector\\.policy\\.(?!ConnectorClientConfig(?:OverridePolicy|Request(?:\\$ClientType)?)$).*)"
            + "|common\\.config\\.provider\\.(?!ConfigProvider$).*)$");

    private HostClasses() {}

    /** True when a plugin loader asks the host for {@code className} before looking in the plugin's own JARs. */
    static boolean fromHost(String className) {
        return SHARED.matcher(className).matches()
                && !PLUGINS_IN_SHARED.matcher(className).matches();
    }
}
