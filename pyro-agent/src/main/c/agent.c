/*
 * pyro-agent: the guest agent. One multiplexed framed stream to the host; primitives only
 * (spawn, signal, wait, file operations). The wire format is in docs/protocol.md.
 *
 *   pyro-agent --stdio            serve one host on fd 0/1 (exit at EOF)
 *   pyro-agent --serial PATH      virtio-serial port; reopen after the host disconnects
 *   pyro-agent --listen PATH      Unix socket server, one host at a time (newest wins)
 *   pyro-agent --connect PATH     dial a host's Unix socket, redial after a disconnect
 *   options: --under-init (started by pyro-init: enables the shutdown request)
 */
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum transport { T_STDIO, T_SERIAL, T_LISTEN, T_CONNECT };
static const char *transport_names[] = {"stdio", "serial", "listen", "connect"};

#define IN_CAP (2 * (4 + MAX_FRAME_LEN))
#define SERIAL_RETRY_MS 100
#define CONNECT_RETRY_MS 200
#define CLOSE_FLUSH_MS 1000

static struct {
    enum transport kind;
    const char *path;
    int listen_fd;
    int rfd, wfd;
    bool connected;       /* transport fds are valid */
    bool hello;           /* the host said hello on this connection */
    bool closing;         /* flushing output, then close */
    int64_t closing_deadline;
    int64_t retry_at;     /* reopen / redial time, -1 if none */
    bool retry_logged;
    bool serial_opened;   /* logged the first open */
    uint8_t *in;
    size_t in_len;
    bool resync;          /* after a protocol error: skip to the next hello frame */
    struct buf out;
    bool assembling;      /* collecting MSG_PART frames */
    bool asm_overflow;
    uint32_t asm_chan;
    struct buf asmb;
    bool under_init;
    pid_t init_pid;       /* our parent at start when --under-init */
    char instance[17];
    int sigfd;
} C;

char req_err[512];

bool agent_under_init(void) { return C.under_init; }
bool conn_ready(void) { return C.connected && C.hello && !C.closing; }
size_t conn_out_pending(void) { return C.out.len; }

/* ------------------------------------------------------------------ poll registry */

struct pslot {
    poll_cb cb;
    void *ctx;
};
static struct pollfd *pfds;
static struct pslot *pslots;
static size_t npfd, cappfd;

void poll_add(int fd, short events, poll_cb cb, void *ctx) {
    if (npfd == cappfd) {
        cappfd = cappfd ? cappfd * 2 : 32;
        pfds = xrealloc(pfds, cappfd * sizeof *pfds);
        pslots = xrealloc(pslots, cappfd * sizeof *pslots);
    }
    pfds[npfd] = (struct pollfd){.fd = fd, .events = events};
    pslots[npfd] = (struct pslot){.cb = cb, .ctx = ctx};
    npfd++;
}

/* ------------------------------------------------------------------ output */

void send_frame(uint32_t chan, uint8_t type, const void *p, size_t n) {
    if (!C.connected || C.closing) return;
    if (n > MAX_PAYLOAD) {
        /* callers chunk; never emit an invalid frame */
        LOG("internal: oversize frame dropped");
        return;
    }
    uint8_t h[9];
    put_be32(h, (uint32_t)(n + 5));
    put_be32(h + 4, chan);
    h[8] = type;
    buf_append(&C.out, h, sizeof h);
    buf_append(&C.out, p, n);
}

static void send_text(uint32_t chan, uint8_t final_type, const char *s, size_t n) {
    while (n > MAX_PAYLOAD) {
        send_frame(chan, FT_MSG_PART, s, MAX_PAYLOAD);
        s += MAX_PAYLOAD;
        n -= MAX_PAYLOAD;
    }
    send_frame(chan, final_type, s, n);
}

static void send_json_typed(uint32_t chan, uint8_t type, json_t *obj) {
    if (!obj) return;
    char *s = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!s) {
        LOG("internal: cannot encode a message");
        return;
    }
    send_text(chan, type, s, strlen(s));
    free(s);
}

void send_json(uint32_t chan, json_t *obj) { send_json_typed(chan, FT_MSG, obj); }

void send_ok(uint32_t chan, json_t *obj) {
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_true());
    if (obj) {
        json_object_update(o, obj);
        json_decref(obj);
    }
    send_json(chan, o);
}

json_t *error_object(const char *code, int errnum, const char *msg) {
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string(code));
    if (errnum) json_object_set_new(e, "errno", json_integer(errnum));
    json_t *m = utf8_valid(msg, strlen(msg)) ? json_string(msg) : json_string("(message not UTF-8)");
    json_object_set_new(e, "message", m);
    return e;
}

static void send_error_v(uint32_t chan, const char *code, int errnum, const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_false());
    json_object_set_new(o, "error", error_object(code, errnum, msg));
    send_json(chan, o);
}

void send_error(uint32_t chan, const char *code, int errnum, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    send_error_v(chan, code, errnum, fmt, ap);
    va_end(ap);
}

void send_errno(uint32_t chan, int errnum, const char *fmt, ...) {
    char what[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *code = strerrorname_np(errnum);
    send_error(chan, code ? code : "EUNKNOWN", errnum, "%s: %s", what, strerror(errnum));
}

static void send_event0(const char *event, const char *code, const char *msg, int64_t channel) {
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string(event));
    if (channel >= 0) json_object_set_new(o, "channel", json_integer(channel));
    json_object_set_new(o, "error", error_object(code, 0, msg));
    send_json(0, o);
}

/* ------------------------------------------------------------------ request helpers */

int jstr(json_t *o, const char *key, const char **out, bool required) {
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required) return 0;
        snprintf(req_err, sizeof req_err, "field '%s' is required", key);
        return -1;
    }
    if (!json_is_string(v)) {
        snprintf(req_err, sizeof req_err, "field '%s' must be a string", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int jpath(json_t *o, const char *key, const char **out) {
    if (jstr(o, key, out, true) < 0) return -1;
    size_t n = strlen(*out);
    if (n == 0) {
        snprintf(req_err, sizeof req_err, "field '%s' must not be empty", key);
        return -1;
    }
    if ((*out)[0] != '/') {
        snprintf(req_err, sizeof req_err, "field '%s' must be an absolute path", key);
        return -1;
    }
    if (n >= 4096 || n != json_string_length(json_object_get(o, key))) {
        snprintf(req_err, sizeof req_err, "field '%s' is not a valid path", key);
        return -1;
    }
    return 0;
}

int jint_opt(json_t *o, const char *key, int64_t *out, bool *present, int64_t min, int64_t max) {
    json_t *v = json_object_get(o, key);
    *present = false;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_integer(v)) {
        snprintf(req_err, sizeof req_err, "field '%s' must be an integer", key);
        return -1;
    }
    json_int_t x = json_integer_value(v);
    if (x < min || x > max) {
        snprintf(req_err, sizeof req_err, "field '%s' must be between %lld and %lld", key, (long long)min,
                 (long long)max);
        return -1;
    }
    *out = x;
    *present = true;
    return 0;
}

int jint(json_t *o, const char *key, int64_t *out, int64_t def, int64_t min, int64_t max) {
    bool present;
    if (jint_opt(o, key, out, &present, min, max) < 0) return -1;
    if (!present) *out = def;
    return 0;
}

int jint_req(json_t *o, const char *key, int64_t *out, int64_t min, int64_t max) {
    bool present;
    if (jint_opt(o, key, out, &present, min, max) < 0) return -1;
    if (!present) {
        snprintf(req_err, sizeof req_err, "field '%s' is required", key);
        return -1;
    }
    return 0;
}

int jbool(json_t *o, const char *key, bool *out, bool def) {
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v)) {
        snprintf(req_err, sizeof req_err, "field '%s' must be a boolean", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

bool utf8_valid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c == 0) return false;
            i++;
            continue;
        }
        size_t k;
        unsigned cp;
        if ((c & 0xE0) == 0xC0) { k = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { k = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { k = 3; cp = c & 0x07; }
        else return false;
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (p[i + j] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000)) return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += k + 1;
    }
    return true;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void json_set_bytes(json_t *o, const char *key, const char *s, size_t n) {
    if (utf8_valid(s, n)) {
        json_object_set_new(o, key, json_stringn(s, n));
        return;
    }
    /* lossy text for display plus the exact bytes */
    char *lossy = xmalloc(n * 3 + 1);
    size_t m = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        if (p[i] >= 0x80) {
            size_t want = (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3 : (p[i] & 0xF8) == 0xF0 ? 4 : 0;
            if (want && i + want <= n && utf8_valid(s + i, want)) {
                memcpy(lossy + m, s + i, want);
                m += want;
                i += want;
                continue;
            }
            memcpy(lossy + m, "\xEF\xBF\xBD", 3);
            m += 3;
        } else if (p[i] == 0) {
            memcpy(lossy + m, "\xEF\xBF\xBD", 3);
            m += 3;
        } else {
            lossy[m++] = (char)p[i];
        }
        i += k;
    }
    json_object_set_new(o, key, json_stringn(lossy, m));
    free(lossy);
    char *b = xmalloc((n + 2) / 3 * 4 + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        b[j++] = B64[(v >> 18) & 63];
        b[j++] = B64[(v >> 12) & 63];
        b[j++] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
        b[j++] = i + 2 < n ? B64[v & 63] : '=';
    }
    char k2[128];
    snprintf(k2, sizeof k2, "%s_b64", key);
    json_object_set_new(o, k2, json_stringn(b, j));
    free(b);
}

const char *file_type_name(mode_t m) {
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "dir";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISCHR(m)) return "char_device";
    if (S_ISBLK(m)) return "block_device";
    return "unknown";
}

int parse_signal(json_t *v) {
    if (json_is_integer(v)) {
        json_int_t s = json_integer_value(v);
        return (s >= 1 && s < NSIG) ? (int)s : -1;
    }
    if (!json_is_string(v)) return -1;
    const char *s = json_string_value(v);
    if (strncasecmp(s, "SIG", 3) == 0) s += 3;
    if (!*s || strlen(s) > 16) return -1;
    for (int i = 1; i < NSIG; i++) {
        const char *n = sigabbrev_np(i);
        if (n && strcasecmp(n, s) == 0) return i;
    }
    return -1;
}

const char *signal_name(int sig) {
    const char *n = sigabbrev_np(sig);
    return n ? n : "UNKNOWN";
}

/* ------------------------------------------------------------------ connection */

static void conn_disconnect(const char *why);

static void start_closing(void) {
    C.closing = true;
    C.closing_deadline = mono_ms() + CLOSE_FLUSH_MS;
}

static void protocol_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void protocol_error(const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    LOG("protocol error: %s", msg);
    send_event0("protocol_error", "protocol_error", msg, -1);
    C.assembling = false;
    C.asm_overflow = false;
    buf_reset(&C.asmb);
    if (C.kind == T_LISTEN || C.kind == T_CONNECT) {
        start_closing();
    } else {
        C.resync = true;   /* serial/stdio cannot be closed: skip to the next hello */
    }
}

static void read_boot_id(char *out, size_t n) {
    out[0] = 0;
    int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t r = read(fd, out, n - 1);
    close(fd);
    if (r <= 0) { out[0] = 0; return; }
    out[r] = 0;
    char *nl = strchr(out, '\n');
    if (nl) *nl = 0;
}

static void handle_hello(const uint8_t *p, size_t n) {
    json_error_t jerr;
    json_t *req = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
    json_t *resp = json_object();
    const char *nonce = NULL;
    int64_t proto = 0;
    if (!req || !json_is_object(req)) {
        json_object_set_new(resp, "ok", json_false());
        json_object_set_new(resp, "error", error_object("bad_request", 0, "hello must be a JSON object"));
    } else if (jstr(req, "nonce", &nonce, false) < 0 || (nonce && strlen(nonce) > 128) ||
               jint(req, "protocol", &proto, 0, 0, 1000000) < 0) {
        json_object_set_new(resp, "ok", json_false());
        json_object_set_new(resp, "error", error_object("bad_request", 0, nonce ? "nonce too long" : req_err));
    } else if (proto != PROTOCOL_VERSION) {
        char m[128];
        snprintf(m, sizeof m, "unsupported protocol version %lld (agent speaks %d)", (long long)proto,
                 PROTOCOL_VERSION);
        json_object_set_new(resp, "ok", json_false());
        json_object_set_new(resp, "error", error_object("unsupported_protocol", 0, m));
        json_object_set_new(resp, "protocol", json_integer(PROTOCOL_VERSION));
        if (nonce) json_object_set_new(resp, "nonce", json_string(nonce));
    } else {
        if (C.hello) {
            /* a new session on the same stream (e.g. serial host restarted): forget bindings */
            proc_on_disconnect();
            upload_on_disconnect();
        }
        if (C.kind == T_SERIAL && !C.hello) LOG("host said hello");
        C.hello = true;
        char boot[64];
        read_boot_id(boot, sizeof boot);
        char host[256] = "";
        gethostname(host, sizeof host - 1);
        json_object_set_new(resp, "ok", json_true());
        json_object_set_new(resp, "op", json_string("hello"));
        json_object_set_new(resp, "protocol", json_integer(PROTOCOL_VERSION));
        json_object_set_new(resp, "agent_version", json_string(PYRO_VERSION));
        if (nonce) json_object_set_new(resp, "nonce", json_string(nonce));
        json_object_set_new(resp, "instance", json_string(C.instance));
        json_object_set_new(resp, "pid", json_integer(getpid()));
        json_object_set_new(resp, "uid", json_integer(getuid()));
        if (boot[0] && utf8_valid(boot, strlen(boot))) json_object_set_new(resp, "boot_id", json_string(boot));
        if (utf8_valid(host, strlen(host))) json_object_set_new(resp, "hostname", json_string(host));
        json_object_set_new(resp, "transport", json_string(transport_names[C.kind]));
        json_object_set_new(resp, "under_init", json_boolean(C.under_init));
        json_object_set_new(resp, "max_payload", json_integer(MAX_PAYLOAD));
        json_object_set_new(resp, "max_message", json_integer(MAX_IN_MESSAGE));
        json_object_set_new(resp, "max_read_bytes", json_integer(MAX_READ_BYTES));
        json_t *features = json_array();
        const char *fs[] = {"spawn", "pty", "output_limit", "attach", "write_tree", "files", "shutdown",
                            "set_time"};
        for (size_t i = 0; i < ARRAY_LEN(fs); i++) json_array_append_new(features, json_string(fs[i]));
        json_object_set_new(resp, "features", features);
    }
    if (req) json_decref(req);
    send_json_typed(0, FT_HELLO, resp);
}

/* ---- simple ops implemented here ---- */

static void op_ping(uint32_t chan, json_t *req) {
    (void)req;
    json_t *o = json_object();
    json_object_set_new(o, "time_ns", json_integer(real_ns()));
    send_ok(chan, o);
}

static void op_sync(uint32_t chan, json_t *req) {
    (void)req;
    sync();
    send_ok(chan, NULL);
}

static void op_set_time(uint32_t chan, json_t *req) {
    int64_t ns;
    if (jint_req(req, "unix_ns", &ns, 0, INT64_MAX) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    struct timespec ts = {.tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL};
    if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
        send_errno(chan, errno, "set time");
        return;
    }
    send_ok(chan, NULL);
}

static void flush_blocking(int ms);

static void op_shutdown(uint32_t chan, json_t *req) {
    (void)req;
    if (!C.under_init) {
        send_error(chan, "not_supported", 0, "shutdown needs pyro-init (the agent was not started by it)");
        return;
    }
    pid_t parent = getppid();
    if (parent != C.init_pid || parent <= 0) {
        send_error(chan, "not_supported", 0, "the init process that started the agent is gone");
        return;
    }
    send_ok(chan, NULL);
    flush_blocking(500);
    LOG("shutdown requested by the host");
    kill(parent, SIGTERM);
}

struct op_entry {
    const char *name;
    void (*fn)(uint32_t chan, json_t *req);
};
static const struct op_entry OPS[] = {
    {"ping", op_ping},
    {"spawn", op_spawn},
    {"attach", op_attach},
    {"list_processes", op_list_processes},
    {"signal", op_signal},
    {"resize", op_resize},
    {"stat", op_stat},
    {"list", op_list},
    {"read", op_read},
    {"write", op_write},
    {"mkdir", op_mkdir},
    {"delete", op_delete},
    {"rename", op_rename},
    {"symlink", op_symlink},
    {"readlink", op_readlink},
    {"write_tree", op_write_tree},
    {"sync", op_sync},
    {"set_time", op_set_time},
    {"shutdown", op_shutdown},
};

static void handle_msg(uint32_t chan, const uint8_t *p, size_t n) {
    if (!C.hello) {
        send_error(chan, "hello_required", 0, "the first request must be hello");
        return;
    }
    if (chan == 0) {
        send_event0("error", "bad_request", "channel 0 is reserved for hello and connection events", 0);
        return;
    }
    if (upload_owns_channel(chan)) {
        upload_on_msg(chan, p, n);
        return;
    }
    if (proc_owns_channel(chan)) {
        send_event0("error", "channel_busy", "the channel carries a process stream; use a new channel", chan);
        return;
    }
    json_error_t jerr;
    json_t *req = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!req) {
        send_error(chan, "bad_request", 0, "invalid JSON: %s", jerr.text);
        return;
    }
    if (!json_is_object(req)) {
        send_error(chan, "bad_request", 0, "request must be a JSON object");
        json_decref(req);
        return;
    }
    json_t *opv = json_object_get(req, "op");
    if (!json_is_string(opv)) {
        send_error(chan, "bad_request", 0, "field 'op' is required and must be a string");
        json_decref(req);
        return;
    }
    const char *op = json_string_value(opv);
    for (size_t i = 0; i < ARRAY_LEN(OPS); i++) {
        if (strcmp(OPS[i].name, op) == 0) {
            OPS[i].fn(chan, req);
            json_decref(req);
            return;
        }
    }
    if (strcmp(op, "hello") == 0)
        send_error(chan, "bad_request", 0, "hello goes in a HELLO frame on channel 0");
    else if (utf8_valid(op, strlen(op)) && strlen(op) < 64)
        send_error(chan, "unknown_op", 0, "unknown op '%s'", op);
    else
        send_error(chan, "unknown_op", 0, "unknown op");
    json_decref(req);
}

static void handle_frame(uint32_t chan, uint8_t type, const uint8_t *p, size_t n) {
    switch (type) {
    case FT_HELLO:
        if (chan != 0) {
            protocol_error("HELLO frame on channel %u (must be 0)", chan);
            return;
        }
        if (C.assembling) {
            protocol_error("HELLO frame inside a split message");
            return;
        }
        handle_hello(p, n);
        return;
    case FT_MSG_PART:
    case FT_MSG:
        if (C.assembling && chan != C.asm_chan) {
            protocol_error("frames of a split message interleaved with channel %u", chan);
            return;
        }
        if (type == FT_MSG_PART || C.assembling) {
            if (!C.assembling) {
                C.assembling = true;
                C.asm_overflow = false;
                C.asm_chan = chan;
                buf_reset(&C.asmb);
            }
            if (!C.asm_overflow) {
                if (C.asmb.len + n > MAX_IN_MESSAGE) {
                    C.asm_overflow = true;
                    buf_reset(&C.asmb);
                } else {
                    buf_append(&C.asmb, p, n);
                }
            }
            if (type == FT_MSG_PART) return;
            C.assembling = false;
            if (C.asm_overflow) {
                C.asm_overflow = false;
                if (upload_owns_channel(chan) || proc_owns_channel(chan))
                    send_event0("error", "too_large", "message exceeds the agent's limit", chan);
                else
                    send_error(chan, "too_large", 0, "message exceeds %u bytes", MAX_IN_MESSAGE);
                return;
            }
            struct buf m = C.asmb;
            C.asmb = (struct buf){0};
            handle_msg(chan, buf_data(&m), m.len);
            buf_free(&m);
            return;
        }
        handle_msg(chan, p, n);
        return;
    case FT_DATA:
        if (!C.hello || chan == 0) return;
        if (upload_owns_channel(chan)) upload_on_data(chan, p, n);
        else if (proc_owns_channel(chan)) proc_on_data(chan, p, n);
        return;   /* data for an unknown channel (e.g. a failed spawn) is dropped */
    case FT_EOF:
        if (!C.hello || chan == 0) return;
        if (upload_owns_channel(chan)) upload_on_eof(chan);
        else if (proc_owns_channel(chan)) proc_on_eof(chan);
        return;
    case FT_STDOUT:
    case FT_STDERR:
        protocol_error("frame type %u is agent-to-host only", type);
        return;
    default:
        protocol_error("unknown frame type %u", type);
        return;
    }
}

static void process_input(void) {
    size_t pos = 0;
    while (C.connected && !C.closing) {
        uint8_t *p = C.in + pos;
        size_t avail = C.in_len - pos;
        if (C.resync) {
            size_t i;
            bool found = false;
            for (i = 0; i + 9 <= avail; i++) {
                uint32_t len = get_be32(p + i);
                if (len >= MIN_FRAME_LEN && len <= MAX_FRAME_LEN && get_be32(p + i + 4) == 0 &&
                    p[i + 8] == FT_HELLO) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                size_t keep = avail < 8 ? avail : 8;
                pos += avail - keep;
                break;
            }
            pos += i;
            C.resync = false;
            continue;
        }
        if (avail < 4) break;
        uint32_t len = get_be32(p);
        if (len == 0) {
            /* padding: a host resynchronising after a restart sends a run of zero bytes */
            pos += 4;
            continue;
        }
        if (len < MIN_FRAME_LEN || len > MAX_FRAME_LEN) {
            protocol_error("frame length %u out of range [%u, %u]", len, MIN_FRAME_LEN, MAX_FRAME_LEN);
            pos += 1;
            continue;
        }
        if (avail < 9) break;
        uint8_t type = p[8];
        if (type == 0 || type > FT_MAX) {
            protocol_error("unknown frame type %u", type);
            pos += 1;
            continue;
        }
        if (avail < 4 + (size_t)len) break;
        uint32_t chan = get_be32(p + 4);
        pos += 4 + (size_t)len;
        handle_frame(chan, type, p + 9, len - 5);
    }
    if (!C.connected) return;
    if (C.closing) {
        C.in_len = 0;
        return;
    }
    if (pos > 0) {
        memmove(C.in, C.in + pos, C.in_len - pos);
        C.in_len -= pos;
    }
}

static void conn_attach(int rfd, int wfd) {
    C.rfd = rfd;
    C.wfd = wfd;
    C.connected = true;
    C.hello = false;
    C.closing = false;
    C.resync = false;
    C.in_len = 0;
    C.assembling = false;
    C.asm_overflow = false;
    buf_reset(&C.asmb);
    buf_reset(&C.out);
    C.retry_at = -1;
    C.retry_logged = false;
    /* Announce ourselves. Hosts may ignore it (the Java client does while it waits for its hello
     * answer); on virtio-serial it also wakes QEMU, which otherwise may hold bytes the host sent
     * before the port was opened for seconds. */
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string("agent_ready"));
    json_object_set_new(o, "protocol", json_integer(PROTOCOL_VERSION));
    json_object_set_new(o, "agent_version", json_string(PYRO_VERSION));
    json_object_set_new(o, "instance", json_string(C.instance));
    send_json(0, o);
}

static void conn_disconnect(const char *why) {
    if (!C.connected) return;
    /* a serial port without a host reads EOF at once after every reopen: log real sessions only */
    if (C.kind != T_SERIAL || C.hello) LOG("host disconnected (%s)", why);
    if (C.kind == T_STDIO) {
        LOG("stdio transport closed; terminating processes and exiting");
        proc_kill_all(SIGKILL);
        exit(0);
    }
    close(C.rfd);
    if (C.wfd != C.rfd) close(C.wfd);
    C.rfd = C.wfd = -1;
    C.connected = false;
    C.hello = false;
    C.closing = false;
    C.in_len = 0;
    buf_reset(&C.out);
    buf_reset(&C.asmb);
    C.assembling = false;
    proc_on_disconnect();
    upload_on_disconnect();
    if (C.kind == T_SERIAL) C.retry_at = mono_ms() + SERIAL_RETRY_MS;
    if (C.kind == T_CONNECT) C.retry_at = mono_ms() + CONNECT_RETRY_MS;
}

static void flush_out(void) {
    while (C.connected && C.out.len > 0) {
        ssize_t w = write(C.wfd, buf_data(&C.out), C.out.len);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return;
            conn_disconnect(strerror(errno));
            return;
        }
        buf_consume(&C.out, (size_t)w);
    }
    if (C.connected && C.closing && C.out.len == 0) conn_disconnect("closed after a protocol error");
}

static void flush_blocking(int ms) {
    int64_t end = mono_ms() + ms;
    while (C.connected && C.out.len > 0) {
        flush_out();
        if (!C.connected || C.out.len == 0) break;
        int64_t left = end - mono_ms();
        if (left <= 0) break;
        struct pollfd pf = {.fd = C.wfd, .events = POLLOUT};
        poll(&pf, 1, (int)left);
    }
}

static void on_conn_io(void *ctx, int fd, short rev) {
    (void)ctx;
    if (!C.connected) return;
    if (fd == C.wfd && (rev & POLLOUT)) flush_out();
    if (!C.connected || fd != C.rfd) return;
    if (rev & (POLLIN | POLLHUP | POLLERR)) {
        for (int rounds = 0; rounds < 16 && C.connected && !C.closing; rounds++) {
            ssize_t r = read(C.rfd, C.in + C.in_len, IN_CAP - C.in_len);
            if (r < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) break;
                conn_disconnect(strerror(errno));
                return;
            }
            if (r == 0) {
                conn_disconnect("end of stream");
                return;
            }
            C.in_len += (size_t)r;
            process_input();
            if (C.out.len > OUT_MAX) break;
        }
        if (C.connected && C.closing && (rev & (POLLHUP | POLLERR))) conn_disconnect("hangup");
    }
}

/* ------------------------------------------------------------------ transports */

/* /dev/virtio-ports/NAME is a udev link; without udev find the /dev/vportNpM named NAME */
static const char *resolve_port(const char *path, char *out, size_t n) {
    const char *prefix = "/dev/virtio-ports/";
    if (access(path, F_OK) == 0 || strncmp(path, prefix, strlen(prefix)) != 0) return path;
    const char *want = path + strlen(prefix);
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d) return path;
    const char *found = path;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char p[512], name[256];
        snprintf(p, sizeof p, "/sys/class/virtio-ports/%s/name", de->d_name);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t r = read(fd, name, sizeof name - 1);
        close(fd);
        if (r <= 0) continue;
        name[r] = 0;
        name[strcspn(name, "\n")] = 0;
        if (strcmp(name, want) == 0) {
            snprintf(out, n, "/dev/%s", de->d_name);
            found = out;
            break;
        }
    }
    closedir(d);
    return found;
}

static int open_serial(void) {
    char alt[300];
    const char *path = resolve_port(C.path, alt, sizeof alt);
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (!C.retry_logged) LOG("cannot open %s: %s (retrying)", C.path, strerror(errno));
        C.retry_logged = true;
        return -1;
    }
    /* a port without a connected host reports POLLHUP with no data: stay closed and retry */
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    if (poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP) && !(pf.revents & POLLIN)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int dial(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strncpy(sa.sun_path, C.path, sizeof sa.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (!C.retry_logged) LOG("cannot connect to %s: %s (retrying)", C.path, strerror(errno));
        C.retry_logged = true;
        close(fd);
        return -1;
    }
    set_nonblock(fd, true);
    return fd;
}

static void retry_transport(void) {
    int fd = C.kind == T_SERIAL ? open_serial() : dial();
    if (fd < 0) {
        C.retry_at = mono_ms() + (C.kind == T_SERIAL ? SERIAL_RETRY_MS : CONNECT_RETRY_MS);
        return;
    }
    if (C.kind != T_SERIAL || !C.serial_opened) LOG("%s %s", C.kind == T_SERIAL ? "opened" : "connected to", C.path);
    C.serial_opened = true;
    conn_attach(fd, fd);
}

static void on_listen(void *ctx, int fd, short rev) {
    (void)ctx;
    if (!(rev & POLLIN)) return;
    int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return;
    if (C.connected) conn_disconnect("superseded by a new connection");
    conn_attach(c, c);
}

static int make_listener(const char *path) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        LOG("socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc < 0 || listen(fd, 4) < 0) {
        LOG("cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void on_signal(void *ctx, int fd, short rev) {
    (void)ctx;
    if (!(rev & POLLIN)) return;
    struct signalfd_siginfo si;
    bool chld = false;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGCHLD) chld = true;
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            LOG("terminated by signal %u", si.ssi_signo);
            flush_blocking(200);
            if (C.kind == T_LISTEN && C.path) unlink(C.path);
            exit(0);
        }
    }
    if (chld) proc_reap();
}

static void usage(void) {
    fprintf(stderr,
            "usage: pyro-agent (--stdio | --serial PATH | --listen PATH | --connect PATH) [--under-init]\n"
            "       pyro-agent --version\n");
}

int main(int argc, char **argv) {
    log_init("pyro-agent");
    int chosen = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--version") == 0) {
            printf("pyro-agent %s protocol %d\n", PYRO_VERSION, PROTOCOL_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        } else if (strcmp(a, "--under-init") == 0) {
            C.under_init = true;
        } else if (strcmp(a, "--stdio") == 0) {
            chosen = T_STDIO;
        } else if ((strcmp(a, "--serial") == 0 || strcmp(a, "--listen") == 0 || strcmp(a, "--connect") == 0) &&
                   i + 1 < argc) {
            chosen = a[2] == 's' ? T_SERIAL : a[2] == 'l' ? T_LISTEN : T_CONNECT;
            C.path = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    if (chosen < 0) {
        usage();
        return 2;
    }
    C.kind = (enum transport)chosen;
    C.init_pid = getppid();
    C.rfd = C.wfd = C.listen_fd = -1;
    C.retry_at = -1;
    C.in = xmalloc(IN_CAP);

    uint8_t rnd[8] = {0};
    if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        uint64_t t = (uint64_t)real_ns() ^ ((uint64_t)getpid() << 32);
        memcpy(rnd, &t, sizeof rnd);
    }
    for (int i = 0; i < 8; i++) snprintf(C.instance + 2 * i, 3, "%02x", rnd[i]);
    /* Seed jansson's hash ourselves: its default reads /dev/urandom, which blocks until the
     * kernel's RNG is initialised - seconds in a fresh VM without virtio-rng. */
    size_t seed;
    memcpy(&seed, rnd, sizeof seed);
    json_object_seed(seed ? seed : 0x5eed);

    ensure_std_fds();
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    C.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (C.sigfd < 0) {
        LOG("signalfd: %s", strerror(errno));
        return 1;
    }
    /* orphaned descendants are reparented to us and reaped, so killed groups leave no zombies */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    proc_init();

    switch (C.kind) {
    case T_STDIO:
        set_nonblock(0, true);
        set_nonblock(1, true);
        conn_attach(0, 1);
        /* children must not inherit the protocol stream */
        set_cloexec(0);
        set_cloexec(1);
        break;
    case T_LISTEN:
        C.listen_fd = make_listener(C.path);
        if (C.listen_fd < 0) return 1;
        break;
    case T_SERIAL:
    case T_CONNECT:
        retry_transport();
        break;
    }
    LOG("pyro-agent %s ready (%s%s%s)", PYRO_VERSION, transport_names[C.kind], C.path ? " " : "",
        C.path ? C.path : "");

    for (;;) {
        npfd = 0;
        poll_add(C.sigfd, POLLIN, on_signal, NULL);
        if (C.listen_fd >= 0) poll_add(C.listen_fd, POLLIN, on_listen, NULL);
        if (C.connected) {
            short rev = 0;
            if (!C.closing && C.out.len <= OUT_MAX) rev |= POLLIN;
            if (C.rfd == C.wfd) {
                if (C.out.len) rev |= POLLOUT;
                poll_add(C.rfd, rev, on_conn_io, NULL);
            } else {
                poll_add(C.rfd, rev, on_conn_io, NULL);
                if (C.out.len) poll_add(C.wfd, POLLOUT, on_conn_io, NULL);
            }
        }
        proc_poll_register();

        int64_t now = mono_ms();
        int64_t deadline = proc_next_deadline();
        if (C.retry_at >= 0 && (deadline < 0 || C.retry_at < deadline)) deadline = C.retry_at;
        if (C.closing && (deadline < 0 || C.closing_deadline < deadline)) deadline = C.closing_deadline;
        int timeout = -1;
        if (deadline >= 0) timeout = deadline <= now ? 0 : (int)(deadline - now > 60000 ? 60000 : deadline - now);

        int n = poll(pfds, npfd, timeout);
        if (n < 0 && errno != EINTR) {
            LOG("poll: %s", strerror(errno));
            return 1;
        }
        if (n > 0) {
            size_t count = npfd;
            for (size_t i = 0; i < count; i++) {
                if (pfds[i].revents) pslots[i].cb(pslots[i].ctx, pfds[i].fd, pfds[i].revents);
            }
        }
        proc_tick();
        now = mono_ms();
        if (!C.connected && C.retry_at >= 0 && now >= C.retry_at) retry_transport();
        if (C.connected && C.closing && now >= C.closing_deadline) conn_disconnect("close timeout");
        if (C.connected && C.out.len) flush_out();
    }
}
