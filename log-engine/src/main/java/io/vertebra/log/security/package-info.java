/**
 * Who a client is and what it may change: the listener's TLS and SASL/PLAIN ({@link
 * io.vertebra.log.security.ListenerSecurity}, one {@link io.vertebra.log.security.SaslAuthentication} per
 * connection), the node credential the node's own clients authenticate with on every listener ({@link
 * io.vertebra.log.security.NodeCredential}), and the floor of authorization until ACLs exist: internal topics and
 * the Connect worker group take changes only from the node and {@code super.users} ({@link
 * io.vertebra.log.security.InternalResourceGuard}). Nothing here prints a password or a secret.
 */
package io.vertebra.log.security;
