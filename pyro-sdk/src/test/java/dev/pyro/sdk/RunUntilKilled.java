package dev.pyro.sdk;

import dev.pyro.api.OutputListener;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.vm.VmRequest;
import java.nio.file.Path;

/** A client process for {@link PyroDaemonTest}: runs a long command through the daemon, passing output through. */
public final class RunUntilKilled {

    private RunUntilKilled() {
    }

    public static void main(String[] args) {
        PyroPaths shared = PyroPaths.fromEnvironment();
        PyroPaths paths = new PyroPaths(shared.cacheDir(), Path.of(args[0]), shared.environmentCacheDir());
        try (Pyro pyro = Pyro.create(paths)) {
            pyro.runInVm(VmRequest.defaults(SdkFixture.ENVIRONMENT).withBackend("gvisor").withSize(1, 256),
                    "echo running; sleep 60", 120, Progress.NONE, new OutputListener() {
                        @Override
                        public void stdout(byte[] data) {
                            System.out.write(data, 0, data.length);
                            System.out.flush();
                        }

                        @Override
                        public void stderr(byte[] data) {
                        }
                    });
        }
    }
}
