package io.vertebra.connect.jdbc.schema;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * The destination table cannot take the records as configured (missing, lacking columns, wrong key) and the
 * configuration does not allow fixing it. Not retriable: the message says which key to change.
 */
public final class TableMismatchException extends ConnectException {
    private static final long serialVersionUID = 1L;

    public TableMismatchException(String message) {
        super(message);
    }
}
