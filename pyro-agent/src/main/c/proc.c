/* Processes: spawn (pipes or a PTY), stdin, output, signals, exit, attach after reconnect. */
#include "ops.h"
#include "request.h"
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

struct proc {
    struct proc *next;
    uint32_t id;
    pid_t pid;
    bool pty;
    int in_fd;               /* stdin pipe (write end); for a PTY the master (same as out_fd) */
    int out_fd;              /* stdout pipe (read end) or PTY master */
    int err_fd;              /* stderr pipe (read end), -1 for a PTY */
    bool bound;              /* streams go to `chan` on the current connection */
    uint32_t chan;
    struct buf stdin_q;
    bool stdin_eof;          /* close stdin once the queue drains */
    bool stdin_dropped_sent;
    int64_t limit;           /* output_limit_bytes, -1 = none */
    uint64_t counted, out_total, err_total;
    bool truncated;
    bool exited;             /* waitpid saw it */
    int status;
    int64_t start_mono, start_real_ms, exit_mono;
    long refused_forks_at_start; /* the workload cgroup's pids.events "max" at spawn, -1 without one */
    bool finalized;          /* exit status known and output drained */
    bool dead;               /* record can be freed */
    json_t *argv;
};

/* output fds still held open by descendants after the process exited: read and discard */
struct orphan {
    struct orphan *next;
    int fd;
};

static struct proc *procs;
static struct orphan *orphans;
static uint32_t next_id = 1;
static regex_t env_re;
static uint8_t iobuf[MAX_PAYLOAD];
static bool oom_protected; /* init made this agent unkillable by the OOM killer: its commands must not inherit that */

void proc_init(void) {
    if (regcomp(&env_re, "^[A-Za-z_][A-Za-z0-9_]{0,63}$", REG_EXTENDED | REG_NOSUB) != 0) {
        LOG("internal: regcomp failed");
        exit(1);
    }
    FILE *f = fopen("/proc/self/oom_score_adj", "re");
    int adj = 0;
    if (f) {
        if (fscanf(f, "%d", &adj) != 1) adj = 0;
        fclose(f);
    }
    oom_protected = adj == -1000;
}

static struct proc *find_id(uint32_t id) {
    for (struct proc *p = procs; p; p = p->next)
        if (!p->dead && p->id == id) return p;
    return NULL;
}

static struct proc *find_chan(uint32_t chan) {
    if (!conn_ready()) return NULL;
    for (struct proc *p = procs; p; p = p->next)
        if (!p->dead && p->bound && p->chan == chan) return p;
    return NULL;
}

bool proc_owns_channel(uint32_t chan) { return find_chan(chan) != NULL; }

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* ------------------------------------------------------------------ output */

static void deliver(struct proc *p, uint8_t type, const uint8_t *d, size_t n) {
    if (type == FT_STDOUT) p->out_total += n;
    else p->err_total += n;
    size_t allowed = n;
    if (p->limit >= 0) {
        uint64_t room = (uint64_t)p->limit > p->counted ? (uint64_t)p->limit - p->counted : 0;
        if (n > room) {
            allowed = (size_t)room;
            p->truncated = true;
        }
    }
    p->counted += allowed;
    if (allowed > 0 && p->bound && conn_ready()) send_frame(p->chan, type, d, allowed);
}

/* read once; returns bytes, 0 on EOF (or PTY EIO), -1 if it would block */
static ssize_t read_stream(struct proc *p, int *fd, uint8_t type) {
    ssize_t r;
    do r = read(*fd, iobuf, sizeof iobuf);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno == EAGAIN) return -1;
    if (r <= 0) {
        /* EOF, or EIO from a PTY master whose slave side is fully closed */
        if (p->pty && fd == &p->out_fd) p->in_fd = -1;
        close_fd(fd);
        return 0;
    }
    deliver(p, type, iobuf, (size_t)r);
    return r;
}

static void on_out(void *ctx, int fd, short rev);
static void on_err(void *ctx, int fd, short rev);
static void on_in(void *ctx, int fd, short rev);
static void write_stdin(struct proc *p);

static void on_out(void *ctx, int fd, short rev) {
    struct proc *p = ctx;
    if (p->dead || fd != p->out_fd) return;
    if (p->pty && (rev & POLLOUT)) write_stdin(p);
    if (p->out_fd >= 0 && (rev & (POLLIN | POLLHUP | POLLERR))) read_stream(p, &p->out_fd, FT_STDOUT);
}

static void on_err(void *ctx, int fd, short rev) {
    struct proc *p = ctx;
    if (p->dead || fd != p->err_fd) return;
    if (rev & (POLLIN | POLLHUP | POLLERR)) read_stream(p, &p->err_fd, FT_STDERR);
}

static void on_in(void *ctx, int fd, short rev) {
    struct proc *p = ctx;
    if (p->dead || fd != p->in_fd) return;
    if (rev & (POLLOUT | POLLERR | POLLHUP)) write_stdin(p);
}

static void on_orphan(void *ctx, int fd, short rev) {
    struct orphan *o = ctx;
    if (o->fd != fd || !(rev & (POLLIN | POLLHUP | POLLERR))) return;
    ssize_t r;
    do r = read(fd, iobuf, sizeof iobuf);
    while (r < 0 && errno == EINTR);
    if (r == 0 || (r < 0 && errno != EAGAIN)) close_fd(&o->fd);
}

static void add_orphan(int fd) {
    struct orphan *o = xcalloc(1, sizeof *o);
    o->fd = fd;
    o->next = orphans;
    orphans = o;
}

/* ------------------------------------------------------------------ stdin */

static void write_stdin(struct proc *p) {
    if (p->in_fd < 0) {
        buf_reset(&p->stdin_q);
        return;
    }
    while (p->stdin_q.len > 0) {
        ssize_t w = write(p->in_fd, buf_data(&p->stdin_q), p->stdin_q.len);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return;
            /* EPIPE: the process closed its stdin; EIO: the PTY is gone */
            buf_reset(&p->stdin_q);
            if (!p->pty) close_fd(&p->in_fd);
            return;
        }
        buf_consume(&p->stdin_q, (size_t)w);
    }
    if (p->stdin_eof) {
        p->stdin_eof = false;
        if (p->pty) {
            struct termios t;
            char eof = 4;
            if (tcgetattr(p->in_fd, &t) == 0 && t.c_cc[VEOF]) eof = (char)t.c_cc[VEOF];
            buf_append(&p->stdin_q, &eof, 1);
            write_stdin(p);
        } else {
            close_fd(&p->in_fd);
        }
    }
}

void proc_on_data(uint32_t chan, const uint8_t *d, size_t n) {
    struct proc *p = find_chan(chan);
    if (!p || p->in_fd < 0 || n == 0) return;
    if (p->stdin_q.len + n > STDIN_QUEUE_MAX) {
        if (!p->stdin_dropped_sent) {
            json_t *e = json_object();
            json_object_set_new(e, "event", json_string("stdin_dropped"));
            json_object_set_new(e, "process_id", json_integer(p->id));
            json_object_set_new(e, "error", error_object("stdin_overflow", 0,
                                                         "the process is not reading stdin; input dropped"));
            send_json(p->chan, e);
            p->stdin_dropped_sent = true;
        }
        return;
    }
    buf_append(&p->stdin_q, d, n);
    write_stdin(p);
}

void proc_on_eof(uint32_t chan) {
    struct proc *p = find_chan(chan);
    if (!p) return;
    p->stdin_eof = true;
    write_stdin(p);
}

/* ------------------------------------------------------------------ exit */

static json_t *exit_fields(struct proc *p) {
    json_t *o = json_object();
    json_object_set_new(o, "process_id", json_integer(p->id));
    json_object_set_new(o, "pid", json_integer(p->pid));
    if (WIFEXITED(p->status)) {
        json_object_set_new(o, "exit_code", json_integer(WEXITSTATUS(p->status)));
        json_object_set_new(o, "signal", json_null());
        json_object_set_new(o, "signal_name", json_null());
        json_object_set_new(o, "core_dumped", json_false());
    } else {
        int sig = WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0;
        json_object_set_new(o, "exit_code", json_null());
        json_object_set_new(o, "signal", json_integer(sig));
        json_object_set_new(o, "signal_name", json_string(signal_name(sig)));
        json_object_set_new(o, "core_dumped", json_boolean(WIFSIGNALED(p->status) && WCOREDUMP(p->status)));
    }
    json_object_set_new(o, "truncated", json_boolean(p->truncated));
    json_object_set_new(o, "stdout_bytes", json_integer((json_int_t)p->out_total));
    json_object_set_new(o, "stderr_bytes", json_integer((json_int_t)p->err_total));
    json_object_set_new(o, "duration_ms", json_integer(p->exit_mono - p->start_mono));
    return o;
}

static void send_exit(struct proc *p) {
    json_t *o = json_object();
    json_object_set_new(o, "event", json_string("exit"));
    json_t *f = exit_fields(p);
    json_object_update(o, f);
    json_decref(f);
    send_json(p->chan, o);
}

static void finalize(struct proc *p) {
    /* take what the process wrote before it exited; descendants may still hold the streams */
    int *fds[2] = {&p->out_fd, &p->err_fd};
    uint8_t types[2] = {FT_STDOUT, FT_STDERR};
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 64 && *fds[i] >= 0; k++)
            if (read_stream(p, fds[i], types[i]) < 0) break;
        if (*fds[i] >= 0) {
            add_orphan(*fds[i]);
            if (p->pty && i == 0) p->in_fd = -1;
            *fds[i] = -1;
        }
    }
    if (!p->pty) close_fd(&p->in_fd);
    p->in_fd = -1;
    buf_free(&p->stdin_q);
    p->finalized = true;
    if (p->bound && conn_ready()) {
        send_exit(p);
        p->dead = true;
    }
}

/* Forks the workload cgroup has refused at its pids limit so far; -1 outside a VM guest. */
static long refused_forks(void) {
    FILE *f = fopen(WORKLOAD_CGROUP "/pids.events", "re");
    if (!f) return -1;
    long n = -1;
    if (fscanf(f, "max %ld", &n) != 1) n = -1;
    fclose(f);
    return n;
}

/* A command whose processes ran into the pids limit (a fork bomb, a runaway build) would keep the
 * guest's process table full after it returns, and no later command could start: when its leader
 * exits, whatever is left of its process group goes too, and its stderr says why. Background jobs
 * of commands that stayed under the limit are left alone. */
static void end_runaway_group(struct proc *p) {
    if (p->refused_forks_at_start < 0 || refused_forks() <= p->refused_forks_at_start) return;
    for (int round = 0; round < 100 && kill(-p->pid, SIGKILL) == 0; round++) usleep(2000);
    static const char note[] = "[pyro: the command reached the workspace's process limit; "
                               "its remaining processes were killed]\n";
    deliver(p, p->pty ? FT_STDOUT : FT_STDERR, (const uint8_t *)note, sizeof note - 1); /* a PTY has one stream */
}

void proc_reap(void) {
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (struct proc *p = procs; p; p = p->next) {
            if (p->pid == pid && !p->exited) {
                p->exited = true;
                p->status = st;
                p->exit_mono = mono_ms();
                end_runaway_group(p);
                break;
            }
        }
        /* otherwise an orphaned descendant reparented to us (we are a subreaper) */
    }
}

int64_t proc_next_deadline(void) {
    int64_t d = -1;
    for (struct proc *p = procs; p; p = p->next) {
        if (p->dead || !p->exited || p->finalized) continue;
        int64_t t = p->exit_mono + EXIT_GRACE_MS;
        if (d < 0 || t < d) d = t;
    }
    return d;
}

void proc_tick(void) {
    int64_t now = mono_ms();
    size_t kept_exited = 0;
    for (struct proc *p = procs; p; p = p->next) {
        if (p->dead || !p->exited || p->finalized) continue;
        bool streams_done = p->out_fd < 0 && p->err_fd < 0;
        if (streams_done || now >= p->exit_mono + EXIT_GRACE_MS) finalize(p);
    }
    /* free dead records; keep at most MAX_EXITED_RECORDS undelivered exits (newest first) */
    struct proc **pp = &procs;
    while (*pp) {
        struct proc *p = *pp;
        if (!p->dead && p->finalized && ++kept_exited > MAX_EXITED_RECORDS) p->dead = true;
        if (p->dead) {
            *pp = p->next;
            close_fd(&p->err_fd);
            if (p->out_fd >= 0) {
                if (p->in_fd == p->out_fd) p->in_fd = -1;
                close_fd(&p->out_fd);
            }
            close_fd(&p->in_fd);
            buf_free(&p->stdin_q);
            json_decref(p->argv);
            free(p);
            continue;
        }
        pp = &p->next;
    }
    struct orphan **op = &orphans;
    while (*op) {
        struct orphan *o = *op;
        if (o->fd < 0) {
            *op = o->next;
            free(o);
            continue;
        }
        op = &o->next;
    }
}

void proc_poll_register(void) {
    bool throttled = conn_ready() && conn_out_pending() > OUT_HIGH_WATER;
    for (struct proc *p = procs; p; p = p->next) {
        if (p->dead) continue;
        bool hold = throttled && p->bound;
        if (p->pty) {
            if (p->out_fd >= 0) {
                short ev = hold ? 0 : POLLIN;
                if (p->stdin_q.len) ev |= POLLOUT;
                poll_add(p->out_fd, ev, on_out, p);
            }
        } else {
            if (p->out_fd >= 0 && !hold) poll_add(p->out_fd, POLLIN, on_out, p);
            if (p->err_fd >= 0 && !hold) poll_add(p->err_fd, POLLIN, on_err, p);
            if (p->in_fd >= 0 && p->stdin_q.len) poll_add(p->in_fd, POLLOUT, on_in, p);
        }
    }
    for (struct orphan *o = orphans; o; o = o->next)
        if (o->fd >= 0) poll_add(o->fd, POLLIN, on_orphan, o);
}

void proc_on_disconnect(void) {
    for (struct proc *p = procs; p; p = p->next) p->bound = false;
}

void proc_kill_all(int sig) {
    for (struct proc *p = procs; p; p = p->next)
        if (!p->dead && !p->exited) kill(-p->pid, sig);
}

/* ------------------------------------------------------------------ spawn */

struct child_report {
    int stage;   /* 1 = chdir, 2 = exec, 3 = terminal setup */
    int err;
};

static void child_fail(int fd, int stage, int err) {
    struct child_report r = {stage, err};
    ssize_t w = write(fd, &r, sizeof r);
    (void)w;
    _exit(127);
}

static bool env_name_ok(const char *k) { return regexec(&env_re, k, 0, NULL, 0) == 0; }

void op_spawn(uint32_t chan, json_t *req) {
    json_t *jargv = json_object_get(req, "argv");
    if (!json_is_array(jargv) || json_array_size(jargv) == 0) {
        send_error(chan, "bad_request", 0, "field 'argv' must be a non-empty array of strings");
        return;
    }
    size_t argc = json_array_size(jargv);
    if (argc > 65536) {
        send_error(chan, "bad_request", 0, "too many arguments");
        return;
    }
    for (size_t i = 0; i < argc; i++) {
        json_t *a = json_array_get(jargv, i);
        if (!json_is_string(a) || strlen(json_string_value(a)) != json_string_length(a)) {
            send_error(chan, "bad_request", 0, "field 'argv' must be a non-empty array of strings");
            return;
        }
    }
    if (json_string_length(json_array_get(jargv, 0)) == 0) {
        send_error(chan, "bad_request", 0, "argv[0] must not be empty");
        return;
    }
    const char *cwd = NULL;
    if (jstr(req, "cwd", &cwd, false) < 0 || (cwd && jpath(req, "cwd", &cwd) < 0)) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    bool clear_env, want_stdin;
    int64_t limit;
    if (jbool(req, "clear_env", &clear_env, false) < 0 || jbool(req, "stdin", &want_stdin, false) < 0 ||
        jint(req, "output_limit_bytes", &limit, -1, 0, INT64_MAX) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    json_t *jenv = json_object_get(req, "env");
    if (jenv && !json_is_null(jenv) && !json_is_object(jenv)) {
        send_error(chan, "bad_request", 0, "field 'env' must be an object");
        return;
    }
    const char *key;
    json_t *val;
    if (json_is_object(jenv)) {
        json_object_foreach(jenv, key, val) {
            if (!env_name_ok(key)) {
                if (utf8_valid(key, strlen(key)) && strlen(key) <= 80)
                    send_error(chan, "invalid_env", 0, "env name is invalid: '%s'", key);
                else
                    send_error(chan, "invalid_env", 0, "env name is invalid");
                return;
            }
            if (!json_is_null(val) && (!json_is_string(val) ||
                                       strlen(json_string_value(val)) != json_string_length(val))) {
                send_error(chan, "bad_request", 0, "env value of '%s' must be a string or null", key);
                return;
            }
        }
    }
    json_t *jpty = json_object_get(req, "pty");
    bool pty = false;
    struct winsize ws = {.ws_row = 30, .ws_col = 120};
    if (jpty && !json_is_null(jpty) && !json_is_false(jpty)) {
        pty = true;
        if (json_is_object(jpty)) {
            int64_t rows, cols;
            if (jint(jpty, "rows", &rows, 30, 1, 65535) < 0 || jint(jpty, "cols", &cols, 120, 1, 65535) < 0) {
                send_error(chan, "bad_request", 0, "pty: %s", req_err);
                return;
            }
            ws.ws_row = (unsigned short)rows;
            ws.ws_col = (unsigned short)cols;
        } else if (!json_is_true(jpty)) {
            send_error(chan, "bad_request", 0, "field 'pty' must be an object {rows, cols}");
            return;
        }
    }

    /* argv and envp, built before fork */
    char **cargv = xcalloc(argc + 1, sizeof *cargv);
    for (size_t i = 0; i < argc; i++) cargv[i] = (char *)json_string_value(json_array_get(jargv, i));
    size_t nbase = 0;
    if (!clear_env)
        while (environ[nbase]) nbase++;
    size_t nreq = json_is_object(jenv) ? json_object_size(jenv) : 0;
    char **cenv = xcalloc(nbase + nreq + 1, sizeof *cenv);
    size_t ne = 0;
    for (size_t i = 0; i < nbase; i++) {
        const char *e = environ[i];
        const char *eq = strchr(e, '=');
        size_t kl = eq ? (size_t)(eq - e) : strlen(e);
        bool overridden = false;
        if (json_is_object(jenv)) {
            json_object_foreach(jenv, key, val) {
                if (strlen(key) == kl && strncmp(key, e, kl) == 0) overridden = true;
            }
        }
        if (!overridden) cenv[ne++] = xstrdup(e);
    }
    if (json_is_object(jenv)) {
        json_object_foreach(jenv, key, val) {
            if (json_is_null(val)) continue;
            size_t l = strlen(key) + 1 + strlen(json_string_value(val)) + 1;
            char *kv = xmalloc(l);
            snprintf(kv, l, "%s=%s", key, json_string_value(val));
            cenv[ne++] = kv;
        }
    }
    cenv[ne] = NULL;

    int in_p[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1}, rep[2] = {-1, -1};
    int master = -1;
    char slave_name[128] = "";
    int fail_errno = 0;
    const char *fail_what = NULL;
    if (pipe2(rep, O_CLOEXEC) < 0) {
        fail_errno = errno;
        fail_what = "create pipe";
    } else if (pty) {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
            ptsname_r(master, slave_name, sizeof slave_name) != 0) {
            fail_errno = errno ? errno : EIO;
            fail_what = "open a pseudo-terminal";
        } else {
            ioctl(master, TIOCSWINSZ, &ws);
        }
    } else if ((want_stdin && pipe2(in_p, O_CLOEXEC) < 0) || pipe2(out_p, O_CLOEXEC) < 0 ||
               pipe2(err_p, O_CLOEXEC) < 0) {
        fail_errno = errno;
        fail_what = "create pipe";
    }
    pid_t pid = -1;
    if (!fail_what) {
        pid = fork();
        if (pid < 0) {
            fail_errno = errno;
            fail_what = "fork";
        }
    }
    if (pid == 0) {
        /* child: only async-signal-safe work from here */
        sigset_t none;
        sigemptyset(&none);
        for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
        sigprocmask(SIG_SETMASK, &none, NULL);
        setsid();
        write_control(WORKLOAD_CGROUP "/cgroup.procs", "0"); /* absent outside a VM: no limit of ours here */
        if (oom_protected) write_control("/proc/self/oom_score_adj", "0");
        if (pty) {
            int s = open(slave_name, O_RDWR);
            if (s < 0) child_fail(rep[1], 3, errno);
            ioctl(s, TIOCSCTTY, 0);
            if (dup2(s, 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0) child_fail(rep[1], 3, errno);
            if (s > 2) close(s);
        } else {
            int in = in_p[0];
            if (in < 0) in = open("/dev/null", O_RDONLY);
            if (in < 0 || dup2(in, 0) < 0 || dup2(out_p[1], 1) < 0 || dup2(err_p[1], 2) < 0)
                child_fail(rep[1], 3, errno);
        }
        close_range(3U, ~0U, CLOSE_RANGE_CLOEXEC); /* belt and braces: all our fds are O_CLOEXEC */
        if (cwd && chdir(cwd) < 0) child_fail(rep[1], 1, errno);
        environ = cenv;
        execvp(cargv[0], cargv);
        child_fail(rep[1], 2, errno);
    }

    /* parent */
    close_fd(&rep[1]);
    close_fd(&in_p[0]);
    close_fd(&out_p[1]);
    close_fd(&err_p[1]);
    struct child_report r = {0, 0};
    if (!fail_what) {
        ssize_t got;
        do got = read(rep[0], &r, sizeof r);
        while (got < 0 && errno == EINTR);
        if (got == (ssize_t)sizeof r) {
            int st;
            waitpid(pid, &st, 0);
            fail_errno = r.err;
            fail_what = "";
        }
    }
    close_fd(&rep[0]);
    for (size_t i = 0; i < ne; i++) free(cenv[i]);
    free(cenv);

    if (fail_what) {
        free(cargv);
        close_fd(&in_p[1]);
        close_fd(&out_p[0]);
        close_fd(&err_p[0]);
        close_fd(&master);
        const char *arg0 = json_string_value(json_array_get(jargv, 0));
        if (r.stage == 1)
            send_errno(chan, fail_errno, "cannot change directory to '%s'", cwd);
        else if (r.stage == 2)
            send_errno(chan, fail_errno, "cannot execute '%s'", arg0);
        else if (r.stage == 3)
            send_errno(chan, fail_errno, "cannot set up the process's terminal");
        else
            send_errno(chan, fail_errno, "spawn: %s", fail_what);
        return;
    }
    free(cargv);

    struct proc *p = xcalloc(1, sizeof *p);
    p->id = next_id++;
    if (next_id == 0) next_id = 1;
    p->pid = pid;
    p->pty = pty;
    if (pty) {
        p->out_fd = p->in_fd = master;
        p->err_fd = -1;
        set_nonblock(master, true);
    } else {
        p->in_fd = in_p[1];
        p->out_fd = out_p[0];
        p->err_fd = err_p[0];
        if (p->in_fd >= 0) set_nonblock(p->in_fd, true);
        set_nonblock(p->out_fd, true);
        set_nonblock(p->err_fd, true);
    }
    p->limit = limit;
    p->start_mono = mono_ms();
    p->start_real_ms = real_ns() / 1000000;
    p->refused_forks_at_start = refused_forks();
    p->argv = json_deep_copy(jargv);
    p->bound = true;
    p->chan = chan;
    p->next = procs;
    procs = p;

    json_t *o = json_object();
    json_object_set_new(o, "process_id", json_integer(p->id));
    json_object_set_new(o, "pid", json_integer(pid));
    json_object_set_new(o, "pty", json_boolean(pty));
    send_ok(chan, o);
}

/* ------------------------------------------------------------------ process requests */

static struct proc *req_proc(uint32_t chan, json_t *req) {
    int64_t id;
    if (jint_req(req, "process_id", &id, 1, UINT32_MAX) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return NULL;
    }
    struct proc *p = find_id((uint32_t)id);
    if (!p) send_error(chan, "no_such_process", 0, "no process with id %lld", (long long)id);
    return p;
}

void op_attach(uint32_t chan, json_t *req) {
    struct proc *p = req_proc(chan, req);
    if (!p) return;
    if (p->bound && p->chan != chan && conn_ready()) {
        json_t *e = json_object();
        json_object_set_new(e, "event", json_string("detached"));
        json_object_set_new(e, "process_id", json_integer(p->id));
        send_json(p->chan, e);
    }
    p->bound = true;
    p->chan = chan;
    json_t *o = json_object();
    json_object_set_new(o, "process_id", json_integer(p->id));
    json_object_set_new(o, "pid", json_integer(p->pid));
    json_object_set_new(o, "pty", json_boolean(p->pty));
    json_object_set_new(o, "running", json_boolean(!p->exited));
    send_ok(chan, o);
    if (p->finalized) {
        send_exit(p);
        p->dead = true;
    }
}

void op_list_processes(uint32_t chan, json_t *req) {
    (void)req;
    json_t *arr = json_array();
    for (struct proc *p = procs; p; p = p->next) {
        if (p->dead) continue;
        json_t *o;
        if (p->finalized) {
            o = exit_fields(p);
        } else {
            o = json_object();
            json_object_set_new(o, "process_id", json_integer(p->id));
            json_object_set_new(o, "pid", json_integer(p->pid));
        }
        json_object_set_new(o, "argv", json_incref(p->argv));
        json_object_set_new(o, "pty", json_boolean(p->pty));
        json_object_set_new(o, "running", json_boolean(!p->exited));
        json_object_set_new(o, "attached", json_boolean(p->bound && conn_ready()));
        json_object_set_new(o, "started_at_ms", json_integer(p->start_real_ms));
        json_array_append_new(arr, o);
    }
    json_t *o = json_object();
    json_object_set_new(o, "processes", arr);
    send_ok(chan, o);
}

void op_signal(uint32_t chan, json_t *req) {
    struct proc *p = req_proc(chan, req);
    if (!p) return;
    json_t *sv = json_object_get(req, "signal");
    int sig = sv ? parse_signal(sv) : -1;
    bool group;
    if (sig < 0) {
        send_error(chan, "bad_request", 0, "field 'signal' must be a signal name (TERM) or number");
        return;
    }
    if (jbool(req, "group", &group, true) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (kill(group ? -p->pid : p->pid, sig) < 0) {
        send_errno(chan, errno, "signal %s to process %u", signal_name(sig), p->id);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "signal", json_integer(sig));
    send_ok(chan, o);
}

void op_resize(uint32_t chan, json_t *req) {
    struct proc *p = req_proc(chan, req);
    if (!p) return;
    int64_t rows, cols;
    if (jint_req(req, "rows", &rows, 1, 65535) < 0 || jint_req(req, "cols", &cols, 1, 65535) < 0) {
        send_error(chan, "bad_request", 0, "%s", req_err);
        return;
    }
    if (!p->pty) {
        send_error(chan, "not_a_pty", 0, "process %u has no terminal", p->id);
        return;
    }
    if (p->out_fd < 0 || p->finalized) {
        send_error(chan, "process_exited", 0, "process %u has exited", p->id);
        return;
    }
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (ioctl(p->out_fd, TIOCSWINSZ, &ws) < 0) {
        send_errno(chan, errno, "resize terminal of process %u", p->id);
        return;
    }
    send_ok(chan, NULL);
}
