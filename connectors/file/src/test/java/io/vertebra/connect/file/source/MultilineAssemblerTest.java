package io.vertebra.connect.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MultilineAssemblerTest {
    private final MultilineAssembler assembler = new MultilineAssembler(Pattern.compile("^\\["), 3, 100);

    @Test
    void aStartLineCompletesTheEventBeforeIt() {
        assertNull(assembler.add("[1] a", 6, 0));
        assertNull(assembler.add("  more", 13, 0));
        assertEquals(new MultilineAssembler.Event("[1] a\n  more", 13), assembler.add("[2] b", 19, 0));
        assertEquals(new MultilineAssembler.Event("[2] b", 19), assembler.takePending());
        assertNull(assembler.takePending());
    }

    @Test
    void linesBeforeTheFirstStartLineFormAnEventOfTheirOwn() {
        assertNull(assembler.add("orphan", 7, 0));
        assertEquals(new MultilineAssembler.Event("orphan", 7), assembler.add("[1] a", 13, 0));
    }

    @Test
    void theEventIsCutAtMaxLines() {
        assembler.add("[1]", 4, 0);
        assembler.add("x", 6, 0);
        assembler.add("y", 8, 0);
        assertEquals(new MultilineAssembler.Event("[1]\nx\ny", 8), assembler.add("z", 10, 0));
        assertEquals(new MultilineAssembler.Event("z", 10), assembler.takePending());
    }

    @Test
    void thePendingEventIsSentOnlyAfterTheTimeoutWithoutNewLines() {
        assembler.add("[1] a", 6, 1000);
        assertEquals(1100, assembler.deadlineMs());
        assertNull(assembler.takeIfIdle(1099));
        assembler.add("  more", 13, 1050);
        assertNull(assembler.takeIfIdle(1100));
        assertEquals(new MultilineAssembler.Event("[1] a\n  more", 13), assembler.takeIfIdle(1150));
        assertEquals(Long.MAX_VALUE, assembler.deadlineMs());
    }

    @Test
    void resetDropsThePendingLines() {
        assembler.add("[1] a", 6, 0);
        assembler.reset();
        assertNull(assembler.takePending());
    }
}
