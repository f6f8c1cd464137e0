package dev.pyro.protocol;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What an exception says went wrong, for a user-facing message that goes on after "... failed: ".
 * Never {@code null} and never a Java class name: many JDK exceptions carry no message
 * ({@code OverlappingFileLockException}, {@code ClosedChannelException}, an EOF), and a file error
 * often carries only the path. Those get the kind of failure in words.
 */
public final class ErrorText {

    private ErrorText() {
    }

    public static String of(Throwable e) {
        if (e == null) {
            return "an unknown error";
        }
        if (e instanceof FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
            // NoSuchFileException and friends: the message is the bare path
            String files = fs.getOtherFile() == null ? fs.getFile() : fs.getFile() + " -> " + fs.getOtherFile();
            return files + ": " + kind(e);
        }
        String message = e.getMessage();
        Throwable cause = e.getCause() == e ? null : e.getCause();
        // new X(cause) makes cause.toString() the message: a class name, so speak for the cause instead
        boolean wrapperOnly = cause != null && message != null && message.equals(cause.toString());
        if (message != null && !message.isBlank() && !wrapperOnly) {
            return message;
        }
        return cause != null ? of(cause) : kind(e);
    }

    /** The kind of failure in words, from the exception's type alone. */
    static String kind(Throwable e) {
        if (e instanceof OverlappingFileLockException) {
            return "the file is already locked by this process";
        }
        if (e instanceof ClosedByInterruptException || e instanceof InterruptedException) {
            return "interrupted";
        }
        if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
            return "the connection or file was closed";
        }
        if (e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            return "timed out";
        }
        if (e instanceof InterruptedIOException) {
            return "interrupted";
        }
        if (e instanceof EOFException) {
            return "the data ended early";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemLoopException) {
            return "a symbolic link loop";
        }
        if (e instanceof NullPointerException) {
            return "a value was missing (this is a bug in pyro)";
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory";
        }
        return words(e.getClass().getSimpleName());
    }

    /** {@code IllegalStateException} becomes "illegal state": the type's words, not its name. */
    static String words(String typeName) {
        String bare = typeName.replaceAll("(Exception|Error)$", "");
        String spaced = bare.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2");
        String text = spaced.toLowerCase(Locale.ROOT).strip();
        return text.isEmpty() ? "an unexpected error" : text + " error";
    }
}
