package io.vertebra.runtime.cluster;

/**
 * A restart asked through REST, broadcast through the config topic so whichever worker owns the connector or task
 * acts on it. {@code task} is -1 for a connector restart (with {@code includeTasks} and {@code onlyFailed}).
 */
public record RestartRequest(String connector, int task, boolean includeTasks, boolean onlyFailed) {
    public static RestartRequest ofTask(TaskId id) {
        return new RestartRequest(id.connector(), id.task(), false, false);
    }
}
