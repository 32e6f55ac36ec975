package io.vertebra.node;

import picocli.CommandLine.IVersionProvider;

/** The product version, taken from the jar manifest when packaged. */
public final class Version implements IVersionProvider {
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vertebra " + current()};
    }
}
