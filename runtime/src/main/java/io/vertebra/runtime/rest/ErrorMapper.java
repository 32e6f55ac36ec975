package io.vertebra.runtime.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.runtime.rest.entities.ErrorMessage;
import io.vertebra.runtime.service.WorkerStartingException;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers: {@code {"error_code", "message"}} with the status Kafka Connect
 * uses. Client mistakes are 4xx with a message naming the problem; only a genuine server fault is a 500 (and is
 * logged with its trace).
 */
public final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    public static void respond(RoutingContext ctx, Throwable error, ObjectMapper json) {
        int status;
        String message;
        if (error instanceof RestException e) {
            status = e.status();
            message = e.getMessage();
        } else if (error instanceof WorkerStartingException e) {
            status = 503;
            message = e.getMessage();
        } else if (error instanceof ConfigException e) {
            status = 400;
            message = e.getMessage();
        } else if (error instanceof IllegalArgumentException e) {
            status = 400;
            message = e.getMessage();
        } else {
            status = 500;
            message = error == null ? "Internal server error" : error.toString();
            log.error(
                    "REST request {} {} failed",
                    ctx.request().method(),
                    ctx.request().path(),
                    error);
        }
        send(ctx, status, message, json);
    }

    public static void send(RoutingContext ctx, int status, String message, ObjectMapper json) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(new ErrorMessage(status, message)));
        } catch (Exception e) {
            ctx.response().setStatusCode(status).end();
        }
    }
}
