package io.vertebra.log.group;

/** Who sent a group request: the client id and host a new member is recorded with, and the API version. */
public record Requester(String clientId, String clientHost, short apiVersion) {}
