package io.vertebra.runtime.pipeline;

import io.vertebra.runtime.errors.ErrorHandler;
import io.vertebra.runtime.errors.Stage;
import java.util.List;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * A connector's single message transforms in order, each optionally guarded by a predicate ({@code
 * transforms.<name>.predicate}, {@code .negate}). Owned by one task thread.
 */
public final class TransformChain<R extends ConnectRecord<R>> implements AutoCloseable {
    /** One configured transform and its optional guard. */
    public record Step<R extends ConnectRecord<R>>(
            String name, Transformation<R> transformation, Predicate<R> predicate, boolean negate) {
        boolean applies(R record) {
            return predicate == null || predicate.test(record) != negate;
        }
    }

    private final List<Step<R>> steps;

    public TransformChain(List<Step<R>> steps) {
        this.steps = List.copyOf(steps);
    }

    public static <R extends ConnectRecord<R>> TransformChain<R> empty() {
        return new TransformChain<>(List.of());
    }

    /**
     * Applies every step; returns {@code null} when a transform dropped the record or the error handler tolerated a
     * failure (then it has already been reported).
     */
    public R apply(R record, ErrorHandler errors, Object original) {
        R current = record;
        for (Step<R> step : steps) {
            R input = current;
            current = errors.execute(
                    Stage.TRANSFORMATION,
                    step.transformation().getClass(),
                    original,
                    () -> step.applies(input) ? step.transformation().apply(input) : input);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    @Override
    public void close() {
        for (Step<R> step : steps) {
            try {
                step.transformation().close();
            } catch (RuntimeException ignored) {
                // closing is best effort
            }
            if (step.predicate() != null) {
                try {
                    step.predicate().close();
                } catch (RuntimeException ignored) {
                    // closing is best effort
                }
            }
        }
    }
}
