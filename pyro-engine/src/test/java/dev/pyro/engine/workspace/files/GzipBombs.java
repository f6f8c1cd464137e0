package dev.pyro.engine.workspace.files;

import java.io.ByteArrayOutputStream;

/**
 * A real, complete tar.gz of 2 GiB of zeros that costs a few MiB and a fraction of a second to
 * build: one gzip member of 64 MiB of zeros, repeated (gzip allows concatenated members).
 */
final class GzipBombs {

    private GzipBombs() {
    }

    static byte[] twoGibOfZeros(String name) {
        long size = 2L << 30;
        int chunk = 64 << 20;
        byte[] zeros = Tars.gzip(new byte[chunk]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Tars.gzip(Tars.header(name, size)));
        for (long done = 0; done < size; done += chunk) out.writeBytes(zeros);
        out.writeBytes(Tars.gzip(new byte[1024])); // end-of-archive blocks
        return out.toByteArray();
    }
}
