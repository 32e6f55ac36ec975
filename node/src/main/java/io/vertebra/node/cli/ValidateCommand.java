package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vertebra validate -f FILE|DIR}: checks connector configs, apply documents and node configs against the
 * JSON Schemas of {@code schemas/}, offline. Prints one line per problem ({@code file:line:column: error: key:
 * message}) and exits 1 when any is an error.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check config files (connectors, topics, node config) against the JSON Schemas, offline.")
public final class ValidateCommand implements Callable<Integer> {
    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE|DIR",
            required = true,
            description = "A YAML or JSON file, or a directory of them; repeat for more.")
    List<Path> files;

    @Option(
            names = "--schemas",
            paramLabel = "DIR",
            description = "Extra connector schemas (*.json, as GET /connector-plugins/{class}/schema serves them).")
    Path schemas;

    @Option(names = "--strict", description = "Fail on warnings too (e.g. keys a connector does not declare).")
    boolean strict;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (one line per problem) or json.")
    String format;

    @Override
    public Integer call() {
        SchemaCatalog catalog = SchemaCatalog.bundled();
        if (schemas != null) {
            catalog = catalog.with(schemas);
        }
        FileValidator validator = new FileValidator(catalog);
        List<Path> all = ConfigFiles.expand(files);
        int errors = 0;
        int warnings = 0;
        int failedFiles = 0;
        ArrayNode json = RestClient.JSON.createArrayNode();
        for (Path file : all) {
            FileValidator.Result result = validator.validate(file);
            boolean failed = false;
            for (FileValidator.Finding f : result.findings()) {
                if (f.error()) {
                    errors++;
                    failed = true;
                } else {
                    warnings++;
                    failed |= strict;
                }
                if (format.equals("json")) {
                    ObjectNode o = json.addObject();
                    o.put("file", f.file().toString());
                    o.put("line", f.line());
                    o.put("column", f.column());
                    o.put("key", f.key());
                    o.put("severity", f.error() ? "error" : "warning");
                    o.put("message", f.message());
                } else {
                    System.out.println(f);
                }
            }
            failedFiles += failed ? 1 : 0;
        }
        if (format.equals("json")) {
            System.out.println(json.toPrettyString());
        } else if (failedFiles == 0) {
            System.out.println(all.size() + " file(s) valid" + (warnings > 0 ? ", " + warnings + " warning(s)" : ""));
        } else {
            System.out.println(errors + " error(s), " + warnings + " warning(s) in " + failedFiles + " of " + all.size()
                    + " file(s)");
        }
        return failedFiles == 0 ? 0 : CliException.FAILED;
    }
}
