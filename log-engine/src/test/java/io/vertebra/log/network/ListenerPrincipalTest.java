package io.vertebra.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.TestCertificates;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

/** The principal handlers see in {@code RequestContext}, per listener security. */
class ListenerPrincipalTest {
    private final AtomicReference<KafkaPrincipal> seen = new AtomicReference<>();
    private final AtomicReference<KafkaPrincipal> seenByApiVersions = new AtomicReference<>();

    private KafkaListener listen(Map<String, String> settings) throws InterruptedException {
        RequestDispatcher dispatcher = new RequestDispatcher();
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(dispatcher::supportedApis, () -> 0);
        dispatcher.register(ApiKeys.API_VERSIONS, (context, request) -> {
            seenByApiVersions.set(context.principal());
            return apiVersions.handle(context, request);
        });
        dispatcher.register(ApiKeys.METADATA, (context, request) -> {
            seen.set(context.principal());
            return CompletableFuture.<AbstractResponse>completedFuture(
                    new MetadataResponse(new MetadataResponseData(), request.version()));
        });
        RequestObserver ignore = new RequestObserver() {
            @Override
            public void onResponse(RequestHeader header, long receivedNs, AbstractResponse response) {}

            @Override
            public void onAuthentication(String mechanism, boolean succeeded) {}
        };
        ListenerSecurity security = ListenerSecurity.from(new BrokerConfig(settings));
        return KafkaListener.start(
                new KafkaListener.Settings("127.0.0.1", 0, 1, 1 << 20, 0, security, ignore), dispatcher, apiVersions);
    }

    @Test
    void plaintextIsAnonymous() throws Exception {
        try (KafkaListener listener = listen(Map.of());
                RawKafkaSocket socket = RawKafkaSocket.connect("127.0.0.1:" + listener.port())) {
            socket.send(MetadataRequest.Builder.allTopics().build((short) 12));
            assertEquals(KafkaPrincipal.ANONYMOUS, seen.get());
        }
    }

    @Test
    void saslNamesTheUserOnceAuthenticated() throws Exception {
        Map<String, String> settings = Map.of(
                "listener.security.protocol", "SASL_PLAINTEXT",
                "sasl.plain.users", "broker:b-pw,alice:a-pw",
                "sasl.inter.broker.username", "broker",
                "sasl.inter.broker.password", "b-pw");
        try (KafkaListener listener = listen(settings);
                RawKafkaSocket socket = RawKafkaSocket.connect("127.0.0.1:" + listener.port())) {
            socket.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertEquals(KafkaPrincipal.ANONYMOUS, seenByApiVersions.get(), "nobody yet");
            socket.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                    .build((short) 1));
            socket.send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                            .setAuthBytes("\0alice\0a-pw".getBytes(StandardCharsets.UTF_8)))
                    .build((short) 2));
            socket.send(MetadataRequest.Builder.allTopics().build((short) 12));
            assertEquals(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice"), seen.get());
        }
    }

    @Test
    void tlsNamesTheClientCertificateSubject() throws Exception {
        TestCertificates certificates = TestCertificates.get();
        Map<String, String> settings = new HashMap<>(certificates.brokerSettings("SSL"));
        settings.put("ssl.client.auth", "required");
        try (KafkaListener listener = listen(settings);
                SSLSocket socket = (SSLSocket)
                        clientContext(certificates).getSocketFactory().createSocket("127.0.0.1", listener.port())) {
            socket.setSoTimeout(30_000);
            AbstractRequest request = MetadataRequest.Builder.allTopics().build((short) 12);
            ByteBuffer body = request.serializeWithHeader(new RequestHeader(ApiKeys.METADATA, (short) 12, "tls", 1));
            OutputStream out = socket.getOutputStream();
            byte[] frame = new byte[4 + body.remaining()];
            ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
            out.write(frame);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.readFully(new byte[in.readInt()]);
            assertEquals(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "CN=client,O=Vertebra test"), seen.get());
        }
    }

    private static SSLContext clientContext(TestCertificates certificates) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.clientKeystore)) {
            keys.load(in, TestCertificates.CLIENT_KEYSTORE_PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.truststore)) {
            trust.load(in, TestCertificates.TRUSTSTORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, TestCertificates.CLIENT_KEYSTORE_PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
