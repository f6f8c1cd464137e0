/* The transport: one framed stream to the host (docs/protocol.md). Cuts the input into frames,
 * reassembles split messages, resynchronises after protocol errors, queues output, and opens,
 * accepts or redials stdio, virtio-serial and Unix socket connections. Parses no JSON: complete
 * frames go up to the dispatcher (dispatch.h). */
#include "transport.h"

#include "dispatch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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
} C;

bool conn_ready(void) { return C.connected && C.hello && !C.closing; }
size_t conn_out_pending(void) { return C.out.len; }
bool conn_hello(void) { return C.hello; }
void conn_set_hello(void) { C.hello = true; }
enum transport conn_kind(void) { return C.kind; }
const char *conn_transport_name(void) { return transport_names[C.kind]; }

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

void poll_reset(void) { npfd = 0; }

int poll_run(int timeout_ms) {
    int n = poll(pfds, npfd, timeout_ms);
    if (n > 0) {
        size_t count = npfd;
        for (size_t i = 0; i < count; i++) {
            if (pfds[i].revents) pslots[i].cb(pslots[i].ctx, pfds[i].fd, pfds[i].revents);
        }
    }
    return n;
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

void send_text(uint32_t chan, uint8_t final_type, const char *s, size_t n) {
    while (n > MAX_PAYLOAD) {
        send_frame(chan, FT_MSG_PART, s, MAX_PAYLOAD);
        s += MAX_PAYLOAD;
        n -= MAX_PAYLOAD;
    }
    send_frame(chan, final_type, s, n);
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
    dispatch_protocol_error(msg);
    C.assembling = false;
    C.asm_overflow = false;
    buf_reset(&C.asmb);
    if (C.kind == T_LISTEN || C.kind == T_CONNECT) {
        start_closing();
    } else {
        C.resync = true;   /* serial/stdio cannot be closed: skip to the next hello */
    }
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
        dispatch_hello(p, n);
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
                dispatch_too_large(chan);
                return;
            }
            struct buf m = C.asmb;
            C.asmb = (struct buf){0};
            dispatch_msg(chan, buf_data(&m), m.len);
            buf_free(&m);
            return;
        }
        dispatch_msg(chan, p, n);
        return;
    case FT_DATA:
        if (!C.hello || chan == 0) return;
        dispatch_data(chan, p, n);
        return;
    case FT_EOF:
        if (!C.hello || chan == 0) return;
        dispatch_eof(chan);
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
    dispatch_connected();   /* agent_ready */
}

static void conn_disconnect(const char *why) {
    if (!C.connected) return;
    /* a serial port without a host reads EOF at once after every reopen: log real sessions only */
    if (C.kind != T_SERIAL || C.hello) LOG("host disconnected (%s)", why);
    if (C.kind == T_STDIO) {
        LOG("stdio transport closed; terminating processes and exiting");
        dispatch_kill_all();
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
    dispatch_disconnected();
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

/* ------------------------------------------------------------------ lifecycle */

void transport_init(enum transport kind, const char *path) {
    C.kind = kind;
    C.path = path;
    C.rfd = C.wfd = C.listen_fd = -1;
    C.retry_at = -1;
    C.in = xmalloc(IN_CAP);
}

int transport_start(void) {
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
        if (C.listen_fd < 0) return -1;
        break;
    case T_SERIAL:
    case T_CONNECT:
        retry_transport();
        break;
    }
    LOG("pyro-agent %s ready (%s%s%s)", PYRO_VERSION, transport_names[C.kind], C.path ? " " : "",
        C.path ? C.path : "");
    return 0;
}

void transport_poll_register(void) {
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
}

int64_t transport_next_deadline(int64_t deadline) {
    if (C.retry_at >= 0 && (deadline < 0 || C.retry_at < deadline)) deadline = C.retry_at;
    if (C.closing && (deadline < 0 || C.closing_deadline < deadline)) deadline = C.closing_deadline;
    return deadline;
}

void transport_tick(void) {
    int64_t now = mono_ms();
    if (!C.connected && C.retry_at >= 0 && now >= C.retry_at) retry_transport();
    if (C.connected && C.closing && now >= C.closing_deadline) conn_disconnect("close timeout");
    if (C.connected && C.out.len) flush_out();
}

void conn_flush(int ms) { flush_blocking(ms); }

void transport_terminate(void) {
    flush_blocking(200);
    if (C.kind == T_LISTEN && C.path) unlink(C.path);
}
