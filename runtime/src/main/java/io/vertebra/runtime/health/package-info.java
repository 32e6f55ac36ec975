/**
 * What {@code GET /ready} and {@code GET /health} report: the worker's own readiness checks and the health of the
 * parts the process runs beside it (the node's embedded log), which the node launcher hands in as
 * {@link io.vertebra.runtime.health.HealthContributor}s so the runtime never imports them.
 */
package io.vertebra.runtime.health;
