package io.vertebra.log.protocol;

import java.net.InetAddress;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Who sent a request and how: header (API, version, correlation id, client id), the connection and the
 * authenticated principal. Handlers read it; nothing in it changes.
 */
public record RequestContext(
        RequestHeader header, String connectionId, InetAddress clientAddress, KafkaPrincipal principal) {
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
