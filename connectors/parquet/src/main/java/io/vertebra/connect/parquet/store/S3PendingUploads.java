package io.vertebra.connect.parquet.store;

import java.io.IOException;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The S3 counterpart of deleting temporary files: multipart uploads that a crashed writer started and never
 * completed are invisible but cost storage until aborted. Only loaded for s3a stores.
 */
final class S3PendingUploads {
    private S3PendingUploads() {}

    /** Aborts the pending uploads under {@code dir} whose file names {@code mine} accepts; returns how many. */
    static int abort(FileSystem fs, Path dir, Predicate<LakeFileName> mine) throws IOException {
        if (!(fs instanceof S3AFileSystem s3a)) {
            return 0;
        }
        String prefix = s3a.maybeAddTrailingSlash(s3a.pathToKey(dir));
        int aborted = 0;
        for (MultipartUpload upload : s3a.listMultipartUploads(prefix)) {
            String key = upload.key();
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (LakeFileName.parse(name).filter(mine).isPresent()) {
                s3a.abortMultipartUpload(key, upload.uploadId());
                aborted++;
            }
        }
        return aborted;
    }
}
