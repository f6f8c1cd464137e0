package dev.pyro.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {

    @Test
    void anExceptionWithoutAMessageIsDescribedInWordsNeverNullNorAClassName() {
        assertThat(ErrorText.of(new OverlappingFileLockException())).isEqualTo("the file is already locked by this process");
        assertThat(ErrorText.of(new ClosedChannelException())).isEqualTo("the connection or file was closed");
        assertThat(ErrorText.of(new EOFException())).isEqualTo("the data ended early");
        assertThat(ErrorText.of(new IllegalStateException())).isEqualTo("illegal state error");
        assertThat(ErrorText.of(new RuntimeException())).isEqualTo("runtime error");
        assertThat(ErrorText.of(null)).isEqualTo("an unknown error");
    }

    @Test
    void aMessageIsKeptAndAWrapperWithoutOneSpeaksForItsCause() {
        assertThat(ErrorText.of(new IOException("disk full"))).isEqualTo("disk full");
        assertThat(ErrorText.of(new RuntimeException((String) null, new OverlappingFileLockException())))
                .isEqualTo("the file is already locked by this process");
        // the JDK makes the cause's class name the wrapper's message: the cause speaks instead
        assertThat(ErrorText.of(new UncheckedIOException(new EOFException()))).isEqualTo("the data ended early");
    }

    @Test
    void aFileErrorThatIsOnlyAPathSaysWhatHappenedToIt() {
        assertThat(ErrorText.of(new NoSuchFileException("/x/y"))).isEqualTo("/x/y: no such file or directory");
        assertThat(ErrorText.of(new FileSystemException("/x/y", null, "Read-only file system")))
                .isEqualTo("/x/y: Read-only file system");
    }

    @Test
    void typeNamesBecomeWords() {
        assertThat(ErrorText.words("ConcurrentModificationException")).isEqualTo("concurrent modification error");
        assertThat(ErrorText.words("UTFDataFormatException")).isEqualTo("utf data format error");
    }
}
