/**
 * The directories the bundled file and Parquet connectors may use, as the worker's operator allows them
 * ({@link io.vertebra.connect.confine.AllowedDirs}). Sees only the JDK and kafka-clients' config classes, so the
 * plugins that bundle it still run inside Apache Kafka Connect.
 */
package io.vertebra.connect.confine;
