package io.vertebra.connect.file.source.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields (RFC 4180 on a single line): fields are separated by the delimiter; a field that
 * starts with the quote character runs to the matching quote, with a doubled quote standing for one. An empty
 * unquoted field is null, an empty quoted field ({@code ""}) is the empty string. A quoted field cannot span lines.
 */
public final class CsvFields {
    private final char delimiter;
    private final char quote;

    public CsvFields(char delimiter, char quote) {
        this.delimiter = delimiter;
        this.quote = quote;
    }

    public List<String> split(String line) throws EventParseException {
        List<String> fields = new ArrayList<>();
        int length = line.length();
        int i = 0;
        while (true) {
            if (i < length && line.charAt(i) == quote) {
                StringBuilder field = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= length) {
                        throw new EventParseException("the quoted field starting at character " + (i + 1)
                                + " has no closing " + quote + " (a quoted field cannot span lines)");
                    }
                    char c = line.charAt(j);
                    if (c == quote) {
                        if (j + 1 < length && line.charAt(j + 1) == quote) {
                            field.append(quote);
                            j += 2;
                            continue;
                        }
                        j++;
                        break;
                    }
                    field.append(c);
                    j++;
                }
                if (j < length && line.charAt(j) != delimiter) {
                    throw new EventParseException("unexpected '" + line.charAt(j) + "' after the quoted field ending at"
                            + " character " + j + "; expected the delimiter '" + delimiter + "'");
                }
                fields.add(field.toString());
                i = j;
            } else {
                int end = line.indexOf(delimiter, i);
                if (end < 0) {
                    end = length;
                }
                fields.add(end == i ? null : line.substring(i, end));
                i = end;
            }
            if (i >= length) {
                return fields;
            }
            i++; // the delimiter
            if (i == length) {
                fields.add(null); // a trailing delimiter ends with an empty field
                return fields;
            }
        }
    }
}
