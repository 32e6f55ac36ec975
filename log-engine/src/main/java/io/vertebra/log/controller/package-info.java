/**
 * The cluster controller: the metadata log (a local file for one node, an Apache Ratis group for a cluster) and the
 * state machine that applies it, the admin commands that become metadata records, broker liveness and partition
 * elections. The Ratis port is protected by {@link io.vertebra.log.controller.ControllerSecurity} (mutual TLS, a
 * shared secret sealing every entry, a configurable bind address).
 */
package io.vertebra.log.controller;
