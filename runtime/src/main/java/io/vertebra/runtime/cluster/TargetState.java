package io.vertebra.runtime.cluster;

/** What the user asked a connector to be: running, paused (tasks idle) or stopped (no tasks at all). */
public enum TargetState {
    STARTED,
    PAUSED,
    STOPPED
}
