/* File primitives: stat, list, read, write, mkdir, delete, rename, symlink, readlink, write_tree.
 * No policy here: the host normalises and validates every path before sending it. */
#include "ops.h"
#include "request.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_READ_BYTES 65536
#define DEFAULT_LIST_LIMIT 100000
#define MAX_UPLOAD_LENGTH (1LL << 50)

static int64_t ts_ns(struct timespec ts) { return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static json_t *stat_json(const struct stat *st) {
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(file_type_name(st->st_mode)));
    json_object_set_new(o, "size", json_integer(st->st_size));
    json_object_set_new(o, "mode", json_integer(st->st_mode & 07777));
    json_object_set_new(o, "uid", json_integer(st->st_uid));
    json_object_set_new(o, "gid", json_integer(st->st_gid));
    json_object_set_new(o, "nlink", json_integer((json_int_t)st->st_nlink));
    json_object_set_new(o, "mtime_ns", json_integer(ts_ns(st->st_mtim)));
    return o;
}

static void add_link_target(json_t *o, int dirfd, const char *path) {
    char t[4096];
    ssize_t n = readlinkat(dirfd, path, t, sizeof t);
    if (n >= 0 && (size_t)n < sizeof t) json_set_bytes(o, "link_target", t, (size_t)n);
}

/* path of the parent directory, in `out` */
static void parent_of(const char *path, char *out, size_t n) {
    snprintf(out, n, "%s", path);
    char *d = dirname(out);
    if (d != out) memmove(out, d, strlen(d) + 1);
}

void op_stat(uint32_t chan, json_t *req) {
    const char *path;
    bool follow;
    if (jpath(req, "path", &path) < 0 || jbool(req, "follow", &follow, false) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
        send_errno(chan, errno, "stat '%s'", path);
        return;
    }
    json_t *o = stat_json(&st);
    if (S_ISLNK(st.st_mode)) add_link_target(o, AT_FDCWD, path);
    send_ok(chan, o);
}

struct name_ent {
    char *name;
};
static int cmp_names(const void *a, const void *b) {
    return strcmp(((const struct name_ent *)a)->name, ((const struct name_ent *)b)->name);
}

void op_list(uint32_t chan, json_t *req) {
    const char *path;
    int64_t limit;
    if (jpath(req, "path", &path) < 0 || jint(req, "limit", &limit, DEFAULT_LIST_LIMIT, 1, 1000000) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
    if (dfd < 0) {
        send_errno(chan, errno, "list '%s'", path);
        return;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        send_errno(chan, errno, "list '%s'", path);
        close(dfd);
        return;
    }
    struct name_ent *names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++].name = xstrdup(de->d_name);
    }
    qsort(names, n, sizeof *names, cmp_names);
    json_t *arr = json_array();
    size_t emitted = 0;
    for (size_t i = 0; i < n; i++) {
        if (emitted < (size_t)limit) {
            struct stat st;
            if (fstatat(dfd, names[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                json_t *o = stat_json(&st);
                json_set_bytes(o, "name", names[i].name, strlen(names[i].name));
                if (S_ISLNK(st.st_mode)) add_link_target(o, dfd, names[i].name);
                json_array_append_new(arr, o);
                emitted++;
            }
        }
        free(names[i].name);
    }
    free(names);
    closedir(d);
    json_t *o = json_object();
    json_object_set_new(o, "entries", arr);
    json_object_set_new(o, "truncated", json_boolean(n > emitted && emitted >= (size_t)limit));
    send_ok(chan, o);
}

void op_read(uint32_t chan, json_t *req) {
    const char *path;
    int64_t offset, max;
    bool nofollow;
    if (jpath(req, "path", &path) < 0 || jint(req, "offset", &offset, 0, 0, 1LL << 62) < 0 ||
        jint(req, "max_bytes", &max, DEFAULT_READ_BYTES, 0, INT64_MAX) < 0 ||
        jbool(req, "nofollow", &nofollow, false) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (max > (int64_t)MAX_READ_BYTES) max = MAX_READ_BYTES;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        send_errno(chan, errno, "read '%s'", path);
        return;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        send_errno(chan, errno, "read '%s'", path);
        close(fd);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        send_errno(chan, EISDIR, "read '%s'", path);
        close(fd);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        send_error(chan, "not_regular_file", 0, "read '%s': not a regular file (%s)", path,
                   file_type_name(st.st_mode));
        close(fd);
        return;
    }
    uint8_t *data = xmalloc((size_t)max);
    size_t got = 0;
    bool eof = false;
    while (got < (size_t)max) {
        ssize_t r = pread(fd, data + got, (size_t)max - got, offset + (off_t)got);
        if (r < 0) {
            if (errno == EINTR) continue;
            send_errno(chan, errno, "read '%s'", path);
            free(data);
            close(fd);
            return;
        }
        if (r == 0) {
            eof = true;
            break;
        }
        got += (size_t)r;
    }
    if (!eof && offset + (int64_t)got >= st.st_size) eof = true;
    close(fd);
    json_t *o = json_object();
    json_object_set_new(o, "size", json_integer(st.st_size));
    json_object_set_new(o, "offset", json_integer(offset));
    json_object_set_new(o, "length", json_integer((json_int_t)got));
    json_object_set_new(o, "eof", json_boolean(eof));
    json_object_set_new(o, "mode", json_integer(st.st_mode & 07777));
    json_object_set_new(o, "mtime_ns", json_integer(ts_ns(st.st_mtim)));
    send_ok(chan, o);
    for (size_t i = 0; i < got; i += MAX_PAYLOAD) {
        size_t n = got - i < MAX_PAYLOAD ? got - i : MAX_PAYLOAD;
        send_frame(chan, FT_DATA, data + i, n);
    }
    free(data);
}

void op_mkdir(uint32_t chan, json_t *req) {
    const char *path;
    int64_t mode;
    bool parents, exist_ok;
    if (jpath(req, "path", &path) < 0 || jint(req, "mode", &mode, 0755, 0, 07777) < 0 ||
        jbool(req, "parents", &parents, false) < 0 || jbool(req, "exist_ok", &exist_ok, false) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (parents) {
        char parent[4096];
        parent_of(path, parent, sizeof parent);
        if (mkdirs(parent, 0755) < 0) {
            send_errno(chan, errno, "mkdir '%s'", parent);
            return;
        }
    }
    bool created = true;
    if (mkdir(path, (mode_t)mode) < 0) {
        int e = errno;
        struct stat st;
        if (e == EEXIST && exist_ok && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            created = false;
        } else {
            send_errno(chan, e, "mkdir '%s'", path);
            return;
        }
    } else if (chmod(path, (mode_t)mode) < 0) {
        send_errno(chan, errno, "chmod '%s'", path);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "created", json_boolean(created));
    send_ok(chan, o);
}

static int64_t rm_count;
static int rm_errno;
static char rm_path[4096];

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    int rc = (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR) ? rmdir(p) : unlink(p);
    if (rc < 0) {
        rm_errno = errno;
        snprintf(rm_path, sizeof rm_path, "%s", p);
        return 1;
    }
    rm_count++;
    return 0;
}

void op_delete(uint32_t chan, json_t *req) {
    const char *path;
    bool recursive, missing_ok;
    if (jpath(req, "path", &path) < 0 || jbool(req, "recursive", &recursive, false) < 0 ||
        jbool(req, "missing_ok", &missing_ok, false) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (strcmp(path, "/") == 0) {
        send_error(chan, "bad_request", 0, "refusing to delete '/'");
        return;
    }
    struct stat st;
    int64_t count = 0;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT && missing_ok) goto done;
        send_errno(chan, errno, "delete '%s'", path);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (recursive) {
            rm_count = 0;
            rm_errno = 0;
            if (nftw(path, rm_cb, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0) {
                int e = rm_errno ? rm_errno : errno;
                if (rm_errno)
                    send_errno(chan, e, "delete '%s'", rm_path);
                else
                    send_errno(chan, e, "delete '%s'", path);
                return;
            }
            count = rm_count;
        } else {
            if (rmdir(path) < 0) {
                send_errno(chan, errno, "delete '%s'", path);
                return;
            }
            count = 1;
        }
    } else {
        if (unlink(path) < 0) {
            send_errno(chan, errno, "delete '%s'", path);
            return;
        }
        count = 1;
    }
done:;
    json_t *o = json_object();
    json_object_set_new(o, "deleted", json_integer(count));
    send_ok(chan, o);
}

void op_rename(uint32_t chan, json_t *req) {
    const char *from, *to;
    bool overwrite;
    if (jpath(req, "from", &from) < 0 || jpath(req, "to", &to) < 0 ||
        jbool(req, "overwrite", &overwrite, true) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, overwrite ? 0 : RENAME_NOREPLACE) < 0) {
        send_errno(chan, errno, "rename '%s' to '%s'", from, to);
        return;
    }
    send_ok(chan, NULL);
}

/* 0 if path may be replaced (absent, or a non-directory and overwrite allowed), or -1 with errno */
static int check_target(const char *path, bool overwrite) {
    struct stat st;
    if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (!overwrite) {
        errno = EEXIST;
        return -1;
    }
    return 0;
}

/* remove an existing non-directory at path (for overwrite semantics); 0, or -1 with errno */
static int clear_target(const char *path, bool overwrite) {
    if (check_target(path, overwrite) < 0) return -1;
    if (unlink(path) < 0 && errno != ENOENT) return -1;
    return 0;
}

/* a new 0600 file "<dir>/.pyro-write-XXXXXX"; its malloc'ed name in *tmp (NULL on failure) */
static int open_temp_beside(const char *dir, char **tmp) {
    free(*tmp);
    size_t l = strlen(dir) + 32;
    *tmp = xmalloc(l);
    snprintf(*tmp, l, "%s/.pyro-write-XXXXXX", strcmp(dir, "/") == 0 ? "" : dir);
    int fd = mkostemp(*tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        errno = e;
    }
    return fd;
}

void op_symlink(uint32_t chan, json_t *req) {
    const char *target, *path;
    bool overwrite;
    if (jpath(req, "path", &path) < 0 || jstr(req, "target", &target, true) < 0 ||
        jbool(req, "overwrite", &overwrite, false) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (!*target || strlen(target) != json_string_length(json_object_get(req, "target"))) {
        send_error(chan, "bad_request", 0, "field 'target' must be a non-empty string");
        return;
    }
    if (overwrite && clear_target(path, true) < 0) {
        send_errno(chan, errno, "symlink '%s'", path);
        return;
    }
    if (symlink(target, path) < 0) {
        send_errno(chan, errno, "symlink '%s'", path);
        return;
    }
    send_ok(chan, NULL);
}

void op_readlink(uint32_t chan, json_t *req) {
    const char *path;
    if (jpath(req, "path", &path) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    char t[4096];
    ssize_t n = readlink(path, t, sizeof t);
    if (n < 0) {
        send_errno(chan, errno, "readlink '%s'", path);
        return;
    }
    if ((size_t)n >= sizeof t) {
        send_errno(chan, ENAMETOOLONG, "readlink '%s'", path);
        return;
    }
    json_t *o = json_object();
    json_set_bytes(o, "target", t, (size_t)n);
    send_ok(chan, o);
}

/* ------------------------------------------------------------------ uploads (write, write_tree) */

struct dirfix {
    char *path;
    int64_t mode, mtime_ns;
    bool mode_set, mtime_set;
};

struct upload {
    struct upload *next;
    uint32_t chan;
    bool tree;
    /* the file being received */
    bool in_file;
    int fd;
    uint64_t remaining, length, written;
    char *path, *tmp;
    int64_t mode, mtime_ns, uid, gid;
    bool mode_set, mtime_set, own_set, do_fsync, atomic;
    /* the first error; it is answered at once (responded), then the rest of the channel's
     * input is drained silently: DATA up to the declared length, or up to the end entry/EOF */
    json_t *error;
    bool responded;
    int64_t err_index;
    char *err_path;
    /* write_tree */
    bool overwrite;
    int64_t index;
    uint64_t entries, bytes;
    struct dirfix *dirs;
    size_t ndirs, capdirs;
};

static struct upload *uploads;

static struct upload *find_upload(uint32_t chan) {
    if (!conn_ready()) return NULL;
    for (struct upload *u = uploads; u; u = u->next)
        if (u->chan == chan) return u;
    return NULL;
}

bool upload_owns_channel(uint32_t chan) { return find_upload(chan) != NULL; }

static void up_fail(struct upload *u, const char *code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void up_fail(struct upload *u, const char *code, int errnum, const char *fmt, ...) {
    if (u->error) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    u->error = error_object(code, errnum, msg);
    u->err_index = u->index;
    if (u->path) u->err_path = xstrdup(u->path);
}

static void up_fail_errno(struct upload *u, int e, const char *what) {
    char m[4200];
    snprintf(m, sizeof m, "%s '%s': %s", what, u->path ? u->path : "", strerror(e));
    const char *code = strerrorname_np(e);
    up_fail(u, code ? code : "EUNKNOWN", e, "%s", m);
}

static void file_abort(struct upload *u) {
    if (u->fd >= 0) close(u->fd);
    u->fd = -1;
    if (u->tmp) unlink(u->tmp);
    free(u->tmp);
    u->tmp = NULL;
}

static void upload_free(struct upload *u) {
    file_abort(u);
    free(u->path);
    free(u->err_path);
    if (u->error) json_decref(u->error);
    for (size_t i = 0; i < u->ndirs; i++) free(u->dirs[i].path);
    free(u->dirs);
    struct upload **pp = &uploads;
    while (*pp && *pp != u) pp = &(*pp)->next;
    if (*pp) *pp = u->next;
    free(u);
}

/* finish the current file: metadata, close, atomic rename */
static void file_finish(struct upload *u) {
    u->in_file = false;
    if (u->fd < 0) {
        file_abort(u);
        return;
    }
    int fd = u->fd;
    if (!u->error && u->mode_set && fchmod(fd, (mode_t)u->mode) < 0) up_fail_errno(u, errno, "chmod");
    if (!u->error && u->own_set && fchown(fd, (uid_t)u->uid, (gid_t)u->gid) < 0) up_fail_errno(u, errno, "chown");
    if (!u->error && u->mtime_set) {
        struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
                                 {.tv_sec = u->mtime_ns / 1000000000LL, .tv_nsec = u->mtime_ns % 1000000000LL}};
        if (futimens(fd, ts) < 0) up_fail_errno(u, errno, "set mtime of");
    }
    if (!u->error && u->do_fsync && fsync(fd) < 0) up_fail_errno(u, errno, "fsync");
    u->fd = -1;
    if (close(fd) < 0 && !u->error) up_fail_errno(u, errno, "write");
    if (u->tmp) {
        if (!u->error && rename(u->tmp, u->path) < 0) up_fail_errno(u, errno, "write");
        if (u->error) unlink(u->tmp);
        free(u->tmp);
        u->tmp = NULL;
    }
}

static void file_data(struct upload *u, const uint8_t *p, size_t n) {
    if (n > u->remaining) {
        up_fail(u, "bad_request", 0, "received more data than the declared length");
        n = (size_t)u->remaining;
    }
    u->remaining -= n;
    if (u->fd >= 0 && !u->error) {
        if (write_all(u->fd, p, n) < 0) up_fail_errno(u, errno, "write");
        else u->written += n;
    }
}

static void send_upload_result(struct upload *u) {
    json_t *o = json_object();
    if (u->error) {
        json_object_set_new(o, "ok", json_false());
        json_object_set_new(o, "error", json_incref(u->error));
        if (u->tree) {
            json_object_set_new(o, "index", json_integer(u->err_index));
            if (u->err_path) json_object_set_new(o, "path", json_string(u->err_path));
        }
    } else {
        json_object_set_new(o, "ok", json_true());
    }
    if (u->tree) {
        json_object_set_new(o, "entries", json_integer((json_int_t)u->entries));
        json_object_set_new(o, "bytes", json_integer((json_int_t)u->bytes));
    } else if (!u->error) {
        json_object_set_new(o, "bytes_written", json_integer((json_int_t)u->written));
        struct stat st;
        if (stat(u->path, &st) == 0) json_object_set_new(o, "size", json_integer(st.st_size));
    }
    send_json(u->chan, o);
}

/* answer a failed upload now and drain the rest of its input */
static void respond_early(struct upload *u) {
    if (u->responded || !u->error) return;
    file_abort(u); /* a tree file's data is in its temporary file: the target is untouched */
    send_upload_result(u);
    u->responded = true;
}

/* common field parsing for write and tree file entries */
static int parse_meta(json_t *e, struct upload *u, bool want_length) {
    bool present;
    if (want_length) {
        int64_t len;
        if (jint_opt(e, "length", &len, &present, 0, MAX_UPLOAD_LENGTH) < 0) return -1;
        if (!present) {
            snprintf(req_err, sizeof req_err, "field 'length' is required");
            return -1;
        }
        u->length = u->remaining = (uint64_t)len;
    }
    if (jint_opt(e, "mode", &u->mode, &u->mode_set, 0, 07777) < 0) return -1;
    if (jint_opt(e, "mtime_ns", &u->mtime_ns, &u->mtime_set, 0, INT64_MAX) < 0) return -1;
    bool has_uid, has_gid;
    if (jint_opt(e, "uid", &u->uid, &has_uid, 0, UINT32_MAX - 1) < 0) return -1;
    if (jint_opt(e, "gid", &u->gid, &has_gid, 0, UINT32_MAX - 1) < 0) return -1;
    if (has_uid != has_gid) {
        snprintf(req_err, sizeof req_err, "fields 'uid' and 'gid' go together");
        return -1;
    }
    u->own_set = has_uid;
    return 0;
}

void op_write(uint32_t chan, json_t *req) {
    const char *path;
    bool truncate, append, create, exclusive, parents, atomic, nofollow, do_fsync, offset_set;
    int64_t offset = 0;
    struct upload tmpl = {0};
    if (jpath(req, "path", &path) < 0 || parse_meta(req, &tmpl, true) < 0 ||
        jbool(req, "truncate", &truncate, true) < 0 || jbool(req, "append", &append, false) < 0 ||
        jbool(req, "create", &create, true) < 0 || jbool(req, "exclusive", &exclusive, false) < 0 ||
        jbool(req, "parents", &parents, false) < 0 || jbool(req, "atomic", &atomic, false) < 0 ||
        jbool(req, "nofollow", &nofollow, false) < 0 || jbool(req, "fsync", &do_fsync, false) < 0 ||
        jint_opt(req, "offset", &offset, &offset_set, 0, 1LL << 62) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if ((append && offset_set) || (atomic && (append || offset_set || exclusive))) {
        send_error(chan, "bad_request", 0, "conflicting options: append, offset, atomic and exclusive");
        return;
    }
    struct upload *u = xcalloc(1, sizeof *u);
    *u = tmpl;
    u->chan = chan;
    u->fd = -1;
    u->path = xstrdup(path);
    u->do_fsync = do_fsync;
    u->atomic = atomic;
    u->in_file = true;
    u->next = uploads;
    uploads = u;

    char parent[4096];
    parent_of(path, parent, sizeof parent);
    if (parents && mkdirs(parent, 0755) < 0) {
        up_fail_errno(u, errno, "create parent directories of");
    } else if (atomic) {
        struct stat st;
        if (!u->mode_set) {
            u->mode_set = true;
            u->mode = (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) ? (st.st_mode & 07777) : 0644;
        }
        size_t l = strlen(parent) + 32;
        u->tmp = xmalloc(l);
        snprintf(u->tmp, l, "%s/.pyro-write-XXXXXX", strcmp(parent, "/") == 0 ? "" : parent);
        u->fd = mkostemp(u->tmp, O_CLOEXEC);
        if (u->fd < 0) {
            up_fail_errno(u, errno, "write");
            free(u->tmp);
            u->tmp = NULL;
        }
    } else {
        int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        if (create) flags |= O_CREAT;
        if (exclusive) flags |= O_EXCL;
        if (truncate && !append && !offset_set) flags |= O_TRUNC;
        if (append) flags |= O_APPEND;
        if (nofollow) flags |= O_NOFOLLOW;
        u->fd = open(path, flags, u->mode_set ? (mode_t)u->mode : 0644);
        struct stat st;
        if (u->fd < 0) {
            up_fail_errno(u, errno, "write");
        } else if (fstat(u->fd, &st) < 0) {
            up_fail_errno(u, errno, "write");
        } else if (!S_ISREG(st.st_mode)) {
            up_fail(u, "not_regular_file", 0, "write '%s': not a regular file (%s)", path,
                    file_type_name(st.st_mode));
        } else {
            set_nonblock(u->fd, false);
            if (offset_set && lseek(u->fd, offset, SEEK_SET) < 0) up_fail_errno(u, errno, "seek in");
        }
        if (u->error && u->fd >= 0) {
            close(u->fd);
            u->fd = -1;
        }
    }
    if (u->remaining == 0) {
        file_finish(u);
        send_upload_result(u);
        upload_free(u);
    } else if (u->error) {
        respond_early(u);
    }
}

void op_write_tree(uint32_t chan, json_t *req) {
    bool overwrite;
    if (jbool(req, "overwrite", &overwrite, true) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    struct upload *u = xcalloc(1, sizeof *u);
    u->chan = chan;
    u->tree = true;
    u->fd = -1;
    u->overwrite = overwrite;
    u->index = -1;
    u->next = uploads;
    uploads = u;
}

static void tree_end(struct upload *u) {
    if (u->responded) {
        upload_free(u);
        return;
    }
    if (u->in_file) {
        up_fail(u, "bad_request", 0, "tree ended before the data of '%s' was complete", u->path ? u->path : "");
        file_abort(u);
        u->in_file = false;
    }
    /* directory modes and mtimes last: adding entries changes a directory's mtime */
    for (size_t i = u->ndirs; i-- > 0;) {
        struct dirfix *d = &u->dirs[i];
        if (d->mode_set && chmod(d->path, (mode_t)d->mode) < 0 && !u->error) {
            free(u->path);
            u->path = xstrdup(d->path);
            up_fail_errno(u, errno, "chmod");
        }
        if (d->mtime_set) {
            struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
                                     {.tv_sec = d->mtime_ns / 1000000000LL, .tv_nsec = d->mtime_ns % 1000000000LL}};
            if (utimensat(AT_FDCWD, d->path, ts, AT_SYMLINK_NOFOLLOW) < 0 && !u->error) {
                free(u->path);
                u->path = xstrdup(d->path);
                up_fail_errno(u, errno, "set mtime of");
            }
        }
    }
    send_upload_result(u);
    upload_free(u);
}

static void tree_entry(struct upload *u, json_t *e) {
    const char *type, *path;
    u->index++;
    u->mode_set = u->mtime_set = u->own_set = false;
    free(u->path);
    u->path = NULL;
    if (jstr(e, "type", &type, true) < 0 || jpath(e, "path", &path) < 0) {
        up_fail(u, "bad_request", 0, "entry %lld: %s", (long long)u->index, req_err);
        return;
    }
    u->path = xstrdup(path);
    bool is_file = strcmp(type, "file") == 0;
    if (parse_meta(e, u, is_file) < 0) {
        up_fail(u, "bad_request", 0, "entry %lld: %s", (long long)u->index, req_err);
        return;
    }
    char parent[4096];
    parent_of(path, parent, sizeof parent);
    if (strcmp(type, "dir") == 0) {
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
            if (clear_target(path, u->overwrite) < 0) {
                up_fail_errno(u, errno, "mkdir");
                return;
            }
        }
        if (mkdirs(path, u->mode_set ? (mode_t)(u->mode | 0700) : 0755) < 0) {
            up_fail_errno(u, errno, "mkdir");
            return;
        }
        if (u->own_set && lchown(path, (uid_t)u->uid, (gid_t)u->gid) < 0) {
            up_fail_errno(u, errno, "chown");
            return;
        }
        if (u->mode_set || u->mtime_set) {
            if (u->ndirs == u->capdirs) {
                u->capdirs = u->capdirs ? u->capdirs * 2 : 16;
                u->dirs = xrealloc(u->dirs, u->capdirs * sizeof *u->dirs);
            }
            u->dirs[u->ndirs++] = (struct dirfix){xstrdup(path), u->mode, u->mtime_ns, u->mode_set, u->mtime_set};
        }
        u->entries++;
    } else if (is_file) {
        /* The data goes to a temporary file beside the target, renamed over it once complete: a
         * tree cut off mid-file (the host killed, the connection lost) leaves the old file or
         * nothing, never a partial one. A file or link in the way is replaced by the rename. */
        if (check_target(path, u->overwrite) < 0) {
            up_fail_errno(u, errno, "write");
            return;
        }
        u->fd = open_temp_beside(parent, &u->tmp);
        if (u->fd < 0 && errno == ENOENT && mkdirs(parent, 0755) == 0) u->fd = open_temp_beside(parent, &u->tmp);
        if (u->fd < 0) {
            up_fail_errno(u, errno, "write");
            return;
        }
        if (!u->mode_set) {
            u->mode_set = true;
            u->mode = 0644;
        }
        u->written = 0;
        u->in_file = true;
        if (u->remaining == 0) {
            file_finish(u);
            if (!u->error) u->entries++;
        }
    } else if (strcmp(type, "symlink") == 0) {
        const char *target;
        if (jstr(e, "target", &target, true) < 0 || !*target) {
            up_fail(u, "bad_request", 0, "entry %lld: field 'target' must be a non-empty string",
                    (long long)u->index);
            return;
        }
        if (clear_target(path, u->overwrite) < 0) {
            up_fail_errno(u, errno, "symlink");
            return;
        }
        int rc = symlink(target, path);
        if (rc < 0 && errno == ENOENT && mkdirs(parent, 0755) == 0) rc = symlink(target, path);
        if (rc < 0) {
            up_fail_errno(u, errno, "symlink");
            return;
        }
        if (u->own_set && lchown(path, (uid_t)u->uid, (gid_t)u->gid) < 0) {
            up_fail_errno(u, errno, "chown");
            return;
        }
        if (u->mtime_set) {
            struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
                                     {.tv_sec = u->mtime_ns / 1000000000LL, .tv_nsec = u->mtime_ns % 1000000000LL}};
            if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0) {
                up_fail_errno(u, errno, "set mtime of");
                return;
            }
        }
        u->entries++;
    } else {
        up_fail(u, "bad_request", 0, "entry %lld: unknown entry type (dir, file, symlink, end)", (long long)u->index);
    }
}

void upload_on_msg(uint32_t chan, const uint8_t *p, size_t n) {
    struct upload *u = find_upload(chan);
    if (!u) return;
    if (!u->tree) {
        /* a write expects DATA frames only */
        up_fail(u, "bad_request", 0, "unexpected message while receiving file data");
        if (!u->responded) send_upload_result(u);
        upload_free(u);
        return;
    }
    json_error_t jerr;
    json_t *e = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
    const char *type = NULL;
    if (e && json_is_object(e)) jstr(e, "type", &type, false);
    if (type && strcmp(type, "end") == 0) {
        tree_end(u);
        u = NULL;
    } else if (u->responded) {
        /* draining a failed tree until its end entry */
    } else if (!e || !json_is_object(e)) {
        u->index++;
        up_fail(u, "bad_request", 0, "entry %lld: not a JSON object", (long long)u->index);
    } else if (u->in_file) {
        up_fail(u, "bad_request", 0, "entry arrived before the data of '%s' was complete", u->path);
    } else {
        tree_entry(u, e);
    }
    if (u && u->error) respond_early(u);
    if (e) json_decref(e);
}

void upload_on_data(uint32_t chan, const uint8_t *p, size_t n) {
    struct upload *u = find_upload(chan);
    if (!u) return;
    if (u->tree) {
        if (u->responded) return;
        if (!u->in_file) {
            up_fail(u, "bad_request", 0, "data without a file entry");
        } else {
            file_data(u, p, n);
            if (!u->error && u->remaining == 0) {
                file_finish(u);
                if (!u->error) {
                    u->entries++;
                    u->bytes += u->length;
                }
            }
        }
        respond_early(u);
        return;
    }
    if (u->responded) {
        /* draining a failed write */
        u->remaining = n >= u->remaining ? 0 : u->remaining - n;
        if (u->remaining == 0) upload_free(u);
        return;
    }
    file_data(u, p, n);
    if (u->remaining == 0) {
        file_finish(u);
        send_upload_result(u);
        upload_free(u);
    } else if (u->error) {
        respond_early(u);
    }
}

void upload_on_eof(uint32_t chan) {
    struct upload *u = find_upload(chan);
    if (!u) return;
    if (u->responded) {
        upload_free(u);
        return;
    }
    if (u->tree) {
        up_fail(u, "aborted", 0, "the host ended the tree without an end entry");
        tree_end(u);
        return;
    }
    up_fail(u, "bad_request", 0, "data ended %llu bytes short of the declared length",
            (unsigned long long)u->remaining);
    file_abort(u);
    send_upload_result(u);
    upload_free(u);
}

void upload_on_disconnect(void) {
    while (uploads) upload_free(uploads);
}
