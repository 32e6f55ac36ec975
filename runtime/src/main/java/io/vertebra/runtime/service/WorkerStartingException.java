package io.vertebra.runtime.service;

import org.apache.kafka.connect.errors.RetriableException;

/**
 * The worker has not read its config topic yet, so it can neither tell which connectors exist nor store a new one;
 * the caller should retry shortly (the REST API answers 503, as for any worker that is not ready).
 */
public final class WorkerStartingException extends RetriableException {
    public WorkerStartingException() {
        super("This worker is still starting (reading its config topic and joining its Connect group); retry in a"
                + " few seconds, or wait for GET /ready to answer 200");
    }
}
