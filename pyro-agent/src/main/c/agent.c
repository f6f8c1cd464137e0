/*
 * pyro-agent: the guest agent. One multiplexed framed stream to the host; primitives only
 * (spawn, signal, wait, file operations). The wire format is in docs/protocol.md.
 *
 *   pyro-agent --stdio            serve one host on fd 0/1 (exit at EOF)
 *   pyro-agent --serial PATH      virtio-serial port; reopen after the host disconnects
 *   pyro-agent --listen PATH      Unix socket server, one host at a time (newest wins)
 *   pyro-agent --connect PATH     dial a host's Unix socket, redial after a disconnect
 *   options: --under-init (started by pyro-init: enables the shutdown request)
 *
 * This file is main and the event loop; the parts are transport.c (framing and IO), dispatch.c
 * (hello and the method table), request.c (JSON field and response helpers), fs.c and proc.c.
 */
#include "dispatch.h"
#include "ops.h"
#include "transport.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <jansson.h>

static void on_signal(void *ctx, int fd, short rev) {
    (void)ctx;
    if (!(rev & POLLIN)) return;
    struct signalfd_siginfo si;
    bool chld = false;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGCHLD) chld = true;
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            LOG("terminated by signal %u", si.ssi_signo);
            transport_terminate();
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
    bool under_init = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--version") == 0) {
            printf("pyro-agent %s protocol %d\n", PYRO_VERSION, PROTOCOL_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        } else if (strcmp(a, "--under-init") == 0) {
            under_init = true;
        } else if (strcmp(a, "--stdio") == 0) {
            chosen = T_STDIO;
        } else if ((strcmp(a, "--serial") == 0 || strcmp(a, "--listen") == 0 || strcmp(a, "--connect") == 0) &&
                   i + 1 < argc) {
            chosen = a[2] == 's' ? T_SERIAL : a[2] == 'l' ? T_LISTEN : T_CONNECT;
            path = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    if (chosen < 0) {
        usage();
        return 2;
    }
    transport_init((enum transport)chosen, path);
    pid_t init_pid = getppid();

    uint8_t rnd[8] = {0};
    if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        uint64_t t = (uint64_t)real_ns() ^ ((uint64_t)getpid() << 32);
        memcpy(rnd, &t, sizeof rnd);
    }
    char instance[17];
    for (int i = 0; i < 8; i++) snprintf(instance + 2 * i, 3, "%02x", rnd[i]);
    dispatch_init(under_init, init_pid, instance);
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
    int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigfd < 0) {
        LOG("signalfd: %s", strerror(errno));
        return 1;
    }
    /* orphaned descendants are reparented to us and reaped, so killed groups leave no zombies */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    proc_init();

    if (transport_start() < 0) return 1;

    for (;;) {
        poll_reset();
        poll_add(sigfd, POLLIN, on_signal, NULL);
        transport_poll_register();
        proc_poll_register();

        int64_t now = mono_ms();
        int64_t deadline = transport_next_deadline(proc_next_deadline());
        int timeout = -1;
        if (deadline >= 0) timeout = deadline <= now ? 0 : (int)(deadline - now > 60000 ? 60000 : deadline - now);

        int n = poll_run(timeout);
        if (n < 0 && errno != EINTR) {
            LOG("poll: %s", strerror(errno));
            return 1;
        }
        proc_tick();
        transport_tick();
    }
}
