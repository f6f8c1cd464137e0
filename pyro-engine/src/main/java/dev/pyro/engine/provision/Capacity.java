package dev.pyro.engine.provision;

import dev.pyro.api.PyroException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * The one owner of {@code max_active_vms}: one-shot VMs and workspaces count against the same
 * limit. Each kind of sandbox registers how many it holds; a create asks {@link #check()} first.
 */
public final class Capacity {

    private final int max;
    private final List<IntSupplier> kinds = new CopyOnWriteArrayList<>();

    public Capacity(int max) {
        this.max = max;
    }

    /** A kind of sandbox (the VMs, the workspaces) and how many of it are active now. */
    public Capacity count(IntSupplier active) {
        kinds.add(active);
        return this;
    }

    public int max() {
        return max;
    }

    public int active() {
        return kinds.stream().mapToInt(IntSupplier::getAsInt).sum();
    }

    /** Refuses a create when every slot is taken, in the spec's words (for VMs and workspaces alike). */
    public synchronized void check() {
        if (active() >= max) {
            throw PyroException.invalid("max active VMs reached (" + max + "); delete old VMs first");
        }
    }
}
