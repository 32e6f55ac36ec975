package io.vertebra.connect.parquet;

/** The plugin version, from the jar manifest (set by the build); "unknown" when run from classes. */
final class Version {
    private Version() {}

    static String get() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
