package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;

/** Where a request's progress and command output go: a socket (daemon) or the caller (embedded). */
interface EventSink extends Progress, OutputListener {

    static EventSink of(Progress progress, OutputListener output) {
        return new EventSink() {
            @Override
            public void phase(String phase, String detail) {
                progress.phase(phase, detail);
            }

            @Override
            public void step(long done, long total, String message) {
                progress.step(done, total, message);
            }

            @Override
            public void stdout(byte[] data) {
                output.stdout(data);
            }

            @Override
            public void stderr(byte[] data) {
                output.stderr(data);
            }
        };
    }
}
