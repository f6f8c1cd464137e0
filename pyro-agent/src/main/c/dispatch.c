/* The dispatcher: the session on top of the transport. Answers hello, looks requests up in the
 * method table, routes data of busy channels to uploads (fs.c) and processes (proc.c), and holds
 * the few ops that need no module of their own (ping, sync, set_time, shutdown). */
#include "dispatch.h"

#include "ops.h"
#include "request.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    bool under_init;
    pid_t init_pid;       /* our parent at start when --under-init */
    char instance[17];
} S;

void dispatch_init(bool under_init, pid_t init_pid, const char *instance) {
    S.under_init = under_init;
    S.init_pid = init_pid;
    snprintf(S.instance, sizeof S.instance, "%s", instance);
}

/* ------------------------------------------------------------------ session */

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

void dispatch_hello(const uint8_t *p, size_t n) {
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
        if (conn_hello()) {
            /* a new session on the same stream (e.g. serial host restarted): forget bindings */
            proc_on_disconnect();
            upload_on_disconnect();
        }
        if (conn_kind() == T_SERIAL && !conn_hello()) LOG("host said hello");
        conn_set_hello();
        char boot[64];
        read_boot_id(boot, sizeof boot);
        char host[256] = "";
        gethostname(host, sizeof host - 1);
        json_object_set_new(resp, "ok", json_true());
        json_object_set_new(resp, "op", json_string("hello"));
        json_object_set_new(resp, "protocol", json_integer(PROTOCOL_VERSION));
        json_object_set_new(resp, "agent_version", json_string(PYRO_VERSION));
        if (nonce) json_object_set_new(resp, "nonce", json_string(nonce));
        json_object_set_new(resp, "instance", json_string(S.instance));
        json_object_set_new(resp, "pid", json_integer(getpid()));
        json_object_set_new(resp, "uid", json_integer(getuid()));
        if (boot[0] && utf8_valid(boot, strlen(boot))) json_object_set_new(resp, "boot_id", json_string(boot));
        if (utf8_valid(host, strlen(host))) json_object_set_new(resp, "hostname", json_string(host));
        json_object_set_new(resp, "transport", json_string(conn_transport_name()));
        json_object_set_new(resp, "under_init", json_boolean(S.under_init));
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
    send_json_frame(0, FT_HELLO, resp);
}

/* Announce ourselves. Hosts may ignore it (the Java client does while it waits for its hello
 * answer); on virtio-serial it also wakes QEMU, which otherwise may hold bytes the host sent
 * before the port was opened for seconds. */
void dispatch_connected(void) {
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string("agent_ready"));
    json_object_set_new(o, "protocol", json_integer(PROTOCOL_VERSION));
    json_object_set_new(o, "agent_version", json_string(PYRO_VERSION));
    json_object_set_new(o, "instance", json_string(S.instance));
    send_json(0, o);
}

/* ------------------------------------------------------------------ simple ops */

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

static void op_shutdown(uint32_t chan, json_t *req) {
    (void)req;
    if (!S.under_init) {
        send_error(chan, "not_supported", 0, "shutdown needs pyro-init (the agent was not started by it)");
        return;
    }
    pid_t parent = getppid();
    if (parent != S.init_pid || parent <= 0) {
        send_error(chan, "not_supported", 0, "the init process that started the agent is gone");
        return;
    }
    send_ok(chan, NULL);
    conn_flush(500);
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

void dispatch_msg(uint32_t chan, const uint8_t *p, size_t n) {
    if (!conn_hello()) {
        send_error(chan, "hello_required", 0, "the first request must be hello");
        return;
    }
    if (chan == 0) {
        send_event("error", "bad_request", "channel 0 is reserved for hello and connection events", 0);
        return;
    }
    if (upload_owns_channel(chan)) {
        upload_on_msg(chan, p, n);
        return;
    }
    if (proc_owns_channel(chan)) {
        send_event("error", "channel_busy", "the channel carries a process stream; use a new channel", chan);
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

void dispatch_too_large(uint32_t chan) {
    if (upload_owns_channel(chan) || proc_owns_channel(chan))
        send_event("error", "too_large", "message exceeds the agent's limit", chan);
    else
        send_error(chan, "too_large", 0, "message exceeds %u bytes", MAX_IN_MESSAGE);
}

void dispatch_data(uint32_t chan, const uint8_t *p, size_t n) {
    if (upload_owns_channel(chan)) upload_on_data(chan, p, n);
    else if (proc_owns_channel(chan)) proc_on_data(chan, p, n);
    /* data for an unknown channel (e.g. a failed spawn) is dropped */
}

void dispatch_eof(uint32_t chan) {
    if (upload_owns_channel(chan)) upload_on_eof(chan);
    else if (proc_owns_channel(chan)) proc_on_eof(chan);
}

void dispatch_protocol_error(const char *msg) { send_event("protocol_error", "protocol_error", msg, -1); }

void dispatch_disconnected(void) {
    proc_on_disconnect();
    upload_on_disconnect();
}

void dispatch_kill_all(void) { proc_kill_all(SIGKILL); }
