package dev.pyro.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

/** File types as the agent reports them (from {@code lstat} unless asked to follow links). */
public enum FileType {
    @JsonProperty("file") FILE,
    @JsonProperty("dir") DIRECTORY,
    @JsonProperty("symlink") SYMLINK,
    @JsonProperty("fifo") FIFO,
    @JsonProperty("socket") SOCKET,
    @JsonProperty("char_device") CHAR_DEVICE,
    @JsonProperty("block_device") BLOCK_DEVICE,
    @JsonEnumDefaultValue @JsonProperty("unknown") UNKNOWN
}
