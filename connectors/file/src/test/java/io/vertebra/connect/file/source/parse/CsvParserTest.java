package io.vertebra.connect.file.source.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class CsvParserTest {
    private final CsvFields fields = new CsvFields(',', '"');

    @Test
    void splitsQuotedFieldsWithDelimitersAndDoubledQuotes() throws Exception {
        assertEquals(
                Arrays.asList("a", null, "b,c", "say \"hi\"", "", null),
                fields.split("a,,\"b,c\",\"say \"\"hi\"\"\",\"\","));
        assertEquals(Arrays.asList((String) null), fields.split(""));
        assertEquals(List.of("x\ty"), new CsvFields('\t', '\'').split("'x\ty'").subList(0, 1));
    }

    @Test
    void rejectsAnUnclosedQuoteOrTextAfterAClosingQuote() {
        assertTrue(assertThrows(EventParseException.class, () -> fields.split("a,\"open"))
                .getMessage()
                .contains("has no closing \""));
        assertTrue(assertThrows(EventParseException.class, () -> fields.split("\"a\"b,c"))
                .getMessage()
                .contains("expected the delimiter ','"));
    }

    @Test
    void convertsTypedColumnsAndNamesTheColumnThatDoesNotFit() throws Exception {
        CsvParser parser = new CsvParser(
                fields,
                false,
                List.of(CsvColumn.parse("id:int32"), CsvColumn.parse("ok:boolean"), CsvColumn.parse("x:float64")));
        Struct row = (Struct) parser.parse("7,TRUE,2.5").value();
        assertEquals(7, row.get("id"));
        assertEquals(true, row.get("ok"));
        assertEquals(2.5, row.get("x"));
        assertEquals(null, ((Struct) parser.parse(",,").value()).get("id"));
        assertTrue(assertThrows(EventParseException.class, () -> parser.parse("x,true,1"))
                .getMessage()
                .contains("column id is int32 but holds 'x'"));
        assertTrue(assertThrows(EventParseException.class, () -> parser.parse("1,true"))
                .getMessage()
                .contains("has 2 fields, expected 3 (id,ok,x)"));
    }

    @Test
    void takesColumnNamesFromTheHeaderUnlessConfigured() throws Exception {
        CsvParser fromHeader = new CsvParser(fields, true, List.of());
        assertTrue(fromHeader.wantsHeader());
        fromHeader.header("a, b");
        assertEquals("2", ((Struct) fromHeader.parse("1,2").value()).get("b"));
        assertThrows(EventParseException.class, () -> new CsvParser(fields, true, List.of()).header("a,a"));

        CsvParser configured = new CsvParser(fields, true, List.of(CsvColumn.parse("z")));
        configured.header("ignored");
        assertEquals("v", ((Struct) configured.parse("v").value()).get("z"));
    }
}
