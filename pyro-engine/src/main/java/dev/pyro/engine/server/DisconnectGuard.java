package dev.pyro.engine.server;

import java.util.function.BiConsumer;

/**
 * Deletes the VM of a request whose client went away before the answer (Ctrl-C on {@code pyro run}):
 * the VM of a one-shot run must never outlive its caller. If the client leaves before the VM exists
 * (an environment still building), the VM is deleted the moment it is created.
 */
final class DisconnectGuard {

    private final BiConsumer<String, String> deleteVm;
    private String vmId;
    private String reason;
    private boolean gone;
    private boolean finished;

    /** {@code deleteVm} gets (vm id, delete reason) and must not throw when the VM is already gone. */
    DisconnectGuard(BiConsumer<String, String> deleteVm) {
        this.deleteVm = deleteVm;
    }

    /** From now on the client going away deletes this VM. */
    void protect(String id, String deleteReason) {
        boolean deleteNow;
        synchronized (this) {
            vmId = id;
            reason = deleteReason;
            deleteNow = gone && !finished;
        }
        if (deleteNow) {
            deleteVm.accept(id, deleteReason);
        }
    }

    /** The connection closed; a no-op once the request finished (the engine closes it then too). */
    void clientGone() {
        String id;
        String why;
        synchronized (this) {
            if (finished || gone) {
                return;
            }
            gone = true;
            id = vmId;
            why = reason;
        }
        if (id != null) {
            deleteVm.accept(id, why);
        }
    }

    synchronized void finish() {
        finished = true;
    }
}
