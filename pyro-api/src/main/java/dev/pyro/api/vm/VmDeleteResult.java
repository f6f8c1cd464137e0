package dev.pyro.api.vm;

/** {@code {vm_id, deleted: true, reason}}; reason is explicit_delete, post_exec_cleanup, run_vm_error_cleanup or expired. */
public record VmDeleteResult(String vmId, boolean deleted, String reason) {
}
