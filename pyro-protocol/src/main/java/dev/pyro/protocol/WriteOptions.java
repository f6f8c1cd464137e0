package dev.pyro.protocol;

import tools.jackson.databind.node.ObjectNode;

/**
 * Options of {@code write}. Defaults: create, truncate, mode 0644 for a new file (an existing
 * file keeps its mode unless {@code mode} is set).
 *
 * @param mode permission bits to set (after the write, so umask does not apply), or null
 * @param atomic write a temp file in the same directory and rename it over the target
 * @param parents create missing parent directories (0755)
 * @param nofollow fail (ELOOP) if the final component is a symlink
 * @param offset write at this offset without truncating (null: from the start, or append)
 * @param mtimeNs set the modification time afterwards
 * @param uid owner to set (with gid), or null
 */
public record WriteOptions(Integer mode, boolean create, boolean truncate, boolean append, Long offset,
                           boolean exclusive, boolean parents, boolean atomic, boolean nofollow, boolean fsync,
                           Long mtimeNs, Integer uid, Integer gid) {
    public static WriteOptions defaults() {
        return new WriteOptions(null, true, true, false, null, false, false, false, false, false, null, null, null);
    }

    public WriteOptions withMode(Integer mode) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withCreate(boolean create) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withTruncate(boolean truncate) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withAppend(boolean append) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withOffset(Long offset) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withExclusive(boolean exclusive) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withParents(boolean parents) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withAtomic(boolean atomic) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withNofollow(boolean nofollow) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withFsync(boolean fsync) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withMtimeNs(Long mtimeNs) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    public WriteOptions withOwner(Integer uid, Integer gid) {
        return new WriteOptions(mode, create, truncate, append, offset, exclusive, parents, atomic, nofollow, fsync, mtimeNs, uid, gid);
    }

    void putInto(ObjectNode o) {
        if (mode != null) o.put("mode", mode);
        if (!create) o.put("create", false);
        if (!truncate) o.put("truncate", false);
        if (append) o.put("append", true);
        if (offset != null) o.put("offset", offset);
        if (exclusive) o.put("exclusive", true);
        if (parents) o.put("parents", true);
        if (atomic) o.put("atomic", true);
        if (nofollow) o.put("nofollow", true);
        if (fsync) o.put("fsync", true);
        if (mtimeNs != null) o.put("mtime_ns", mtimeNs);
        if (uid != null) o.put("uid", uid);
        if (gid != null) o.put("gid", gid);
    }
}
