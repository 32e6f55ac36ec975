package io.vertebra.connect.parquet;

import io.vertebra.testkit.Ports;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server in process: S3Proxy over jclouds' filesystem backend, on 127.0.0.1 and a free port,
 * with AWS v4 signatures checked. (A test fixture; candidate for the shared test kit.)
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "vertebra-access";
    static final String SECRET_KEY = "vertebra-secret-key";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, BlobStoreContext context, URI endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
    }

    static S3ProxyServer start(Path dataDir, String... buckets) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem").overrides(properties).build(BlobStoreContext.class);
        URI endpoint = URI.create("http://127.0.0.1:" + Ports.free());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        Awaitility.await("S3Proxy started")
                .atMost(Duration.ofSeconds(30))
                .until(() -> "STARTED".equals(proxy.getState()));
        for (String bucket : buckets) {
            context.getBlobStore().createContainerInLocation(null, bucket);
        }
        return new S3ProxyServer(proxy, context, endpoint);
    }

    URI endpoint() {
        return endpoint;
    }

    /** The s3a settings a client of this server needs (as connector config keys, which Hadoop takes as they are). */
    Map<String, String> s3aSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("fs.s3a.endpoint", endpoint.toString());
        settings.put("fs.s3a.endpoint.region", "us-east-1");
        settings.put("fs.s3a.path.style.access", "true");
        settings.put("fs.s3a.connection.ssl.enabled", "false");
        settings.put("fs.s3a.access.key", ACCESS_KEY);
        settings.put("fs.s3a.secret.key", SECRET_KEY);
        settings.put("fs.s3a.attempts.maximum", "2");
        settings.put("fs.s3a.retry.limit", "2");
        return settings;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
