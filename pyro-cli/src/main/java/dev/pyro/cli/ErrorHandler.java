package dev.pyro.cli;

import dev.pyro.api.PyroException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear message on stderr and an exit code: 2 for bad input, 1 for
 * runtime failures. A stack trace is printed only with PYRO_DEBUG=1.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        Throwable cause = e;
        while (!(cause instanceof PyroException) && cause.getCause() != null && cause != cause.getCause()) {
            cause = cause.getCause();
        }
        if (cause instanceof PyroException pyro) {
            err.println("error: " + pyro.getMessage());
            debug(err, e);
            err.flush();
            return pyro.kind().exitCode();
        }
        err.println("error: " + dev.pyro.protocol.ErrorText.of(e));
        err.println("(this is a bug in pyro; rerun with PYRO_DEBUG=1 for details)");
        debug(err, e);
        err.flush();
        return 1;
    }

    private static void debug(PrintWriter err, Throwable e) {
        if ("1".equals(System.getenv("PYRO_DEBUG"))) {
            e.printStackTrace(err);
        }
    }

    /** Bad flags or arguments: the message and a pointer to --help, exit code 2. */
    static final class Usage implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine cli = e.getCommandLine();
            PrintWriter err = cli.getErr();
            err.println("error: " + e.getMessage());
            err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return 2;
        }
    }
}
