package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.node.cli.LocatedYaml.Document;
import io.vertebra.runtime.apply.Documents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where each document sent to {@code POST /apply} came from. The node names a document by its place in the request
 * ("document 7") or by what it declares ("connector 'orders'"); the user needs the file and line.
 */
final class DocumentOrigins {
    private static final Pattern BY_INDEX = Pattern.compile("^document (\\d+)\\b");
    private static final Pattern BY_NAME = Pattern.compile("\\b(connector|topic) '([^']+)'");

    private final List<Document> sent;
    private final Map<String, Document> byName = new HashMap<>();

    /** @param sent the documents in the order they were sent */
    DocumentOrigins(List<Document> sent) {
        this.sent = List.copyOf(sent);
        for (Document d : sent) {
            JsonNode root = d.root();
            String kind = Documents.TOPIC.equals(root.path(Documents.KIND).asText()) ? "topic" : "connector";
            byName.putIfAbsent(kind + " " + root.path(Documents.NAME).asText(), d);
        }
    }

    /** Each line of {@code message} that is about a sent document, prefixed with {@code FILE:LINE: }. */
    String locate(String message) {
        return message.lines().map(this::locateLine).collect(Collectors.joining("\n"));
    }

    private String locateLine(String line) {
        Matcher index = BY_INDEX.matcher(line);
        if (index.find()) {
            int i = Integer.parseInt(index.group(1)) - 1;
            if (i >= 0 && i < sent.size()) {
                return where(sent.get(i)) + line;
            }
        }
        Matcher name = BY_NAME.matcher(line);
        if (name.find()) {
            Document d = byName.get(name.group(1) + " " + name.group(2));
            if (d != null) {
                return where(d) + line;
            }
        }
        return line;
    }

    private static String where(Document d) {
        return d.file() + ":" + d.start().line() + ": ";
    }
}
