package io.vertebra.connect.parquet.store;

import java.util.Locale;
import java.util.Set;

/** How a finished file becomes visible under its final name, chosen by the store's URL scheme. */
public enum CommitProtocol {
    /**
     * Write a hidden temporary file next to the final one, sync it, then rename: atomic on HDFS and local file
     * systems, so readers see a complete file or none.
     */
    RENAME,
    /**
     * Write straight to the final key: the S3A stream uploads parts of a multipart upload as it goes and only
     * completing the upload (when the file is closed) makes the object visible. A crash leaves an invisible
     * pending upload, which recovery aborts. Object store renames are copies, hence not used.
     */
    MULTIPART_UPLOAD;

    private static final Set<String> OBJECT_STORE_SCHEMES = Set.of("s3a");

    public static CommitProtocol forScheme(String scheme) {
        return OBJECT_STORE_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT)) ? MULTIPART_UPLOAD : RENAME;
    }
}
