package io.vertebra.runtime.rest;

/** A client-visible failure: the HTTP status and a message that names the problem. */
public class RestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public RestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static RestException notFound(String message) {
        return new RestException(404, message);
    }

    public static RestException badRequest(String message) {
        return new RestException(400, message);
    }

    public static RestException conflict(String message) {
        return new RestException(409, message);
    }
}
