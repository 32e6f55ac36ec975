package io.vertebra.connect.file.config;

import java.nio.charset.Charset;
import java.util.Arrays;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Accepts a charset the JVM supports in which a newline is the single byte 0x0A and no other character contains that
 * byte (UTF-8, ISO-8859-x, windows-125x, US-ASCII ...). The file source splits lines on bytes before decoding, which
 * is what makes byte positions exact; UTF-16 and UTF-32 would break that.
 */
public final class AsciiCompatibleCharset implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String text = (String) value;
        Charset charset;
        try {
            charset = Charset.forName(text);
        } catch (IllegalArgumentException e) { // also IllegalCharsetNameException, UnsupportedCharsetException
            throw new ConfigException(name, value, "must be a charset this JVM supports, such as UTF-8 or ISO-8859-1");
        }
        if (!isAsciiCompatible(charset)) {
            throw new ConfigException(
                    name,
                    value,
                    "must encode a newline as the single byte 0x0A (UTF-8, ISO-8859-1, windows-1252 ...);"
                            + " UTF-16 and UTF-32 are not supported");
        }
    }

    static boolean isAsciiCompatible(Charset charset) {
        return charset.canEncode() && Arrays.equals("a\n".getBytes(charset), new byte[] {'a', '\n'});
    }

    @Override
    public String toString() {
        return "an ASCII-compatible charset such as UTF-8";
    }
}
