package io.vertebra.log.metadata;

/** A registered broker and whether it may lead partitions ({@code fenced} = not alive). */
public record BrokerImage(int id, String host, int port, String rack, boolean fenced, long incarnation) {}
