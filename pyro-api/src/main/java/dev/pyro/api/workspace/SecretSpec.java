package dev.pyro.api.workspace;

/** A secret asked for at create: a name and exactly one of a literal value or a host file. */
public record SecretSpec(String name, String value, String filePath) {

    public static SecretSpec literal(String name, String value) {
        return new SecretSpec(name, value, null);
    }

    public static SecretSpec file(String name, String path) {
        return new SecretSpec(name, null, path);
    }
}
