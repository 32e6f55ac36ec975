package io.vertebra.node.cli;

import picocli.CommandLine.Option;

/** {@code --url}: where the Vertebra REST API (the Kafka Connect REST API) is; a picocli mixin. */
public final class RestOptions {
    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "${env:VERTEBRA_URL:-http://localhost:8083}",
            description = "REST API of any node (env VERTEBRA_URL, default http://localhost:8083).")
    String url;

    public RestClient client() {
        return new RestClient(url);
    }
}
