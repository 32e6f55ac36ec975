package io.vertebra.node;

import io.vertebra.runtime.metrics.BuildVersion;
import picocli.CommandLine.IVersionProvider;

/** The product version ({@link BuildVersion}), for {@code vertebra --version}. */
public final class Version implements IVersionProvider {
    public static String current() {
        return BuildVersion.current();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vertebra " + current()};
    }
}
