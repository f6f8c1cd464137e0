package dev.pyro.api.workspace;

/** A workspace secret as payloads show it: name and source kind ({@code literal} or {@code file}), never its value. */
public record SecretInfo(String name, String sourceKind) {
}
