package dev.lapse.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A deployment package as Lambda runs it: unpacked into a directory, the task root ({@code /var/task} on Lambda), from
 * which the Java runtime loads the function's classes (a jar is a .zip archive, and Lambda extracts .zip packages).
 */
final class TaskRoot {
    private TaskRoot() {
    }

    /** Unpacks {@code jar} into {@code root} (created), refusing an entry that would land outside it; answers {@code root}. */
    static Path unpack(Path jar, Path root) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            Files.createDirectories(root);
            Path top = root.toAbsolutePath().normalize();
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path target = top.resolve(entry.getName()).normalize();
                if (!target.startsWith(top)) {
                    throw new IOException("entry " + entry.getName() + " of " + jar + " is outside the task root");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar, e);
        }
    }

    /** Deletes {@code dir} and everything under it. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
