/* Shared helpers of pyro-agent and pyro-init (no JSON here). */
#ifndef PYRO_COMMON_H
#define PYRO_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef PYRO_VERSION
#define PYRO_VERSION "0.1.0"
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Logging goes to stderr, one line per call, prefixed with the program name. */
void log_init(const char *prog);
void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LOG(...) logf_(__VA_ARGS__)

/* Allocation that never returns NULL: on exhaustion the process logs and exits (the
 * init restarts the agent). Inputs are size-capped, so this only triggers under real
 * memory pressure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

int64_t mono_ms(void);
int64_t real_ns(void);

/* A growable byte queue: bytes live in d[off, off+len). */
struct buf {
    uint8_t *d;
    size_t off, len, cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);   /* drop content, release large allocations */
void buf_free(struct buf *b);
static inline const uint8_t *buf_data(const struct buf *b) { return b->d + b->off; }

static inline uint32_t get_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

int set_nonblock(int fd, bool on);
int set_cloexec(int fd);
/* Make sure fds 0, 1, 2 are open (on /dev/null) so that later fds never land there. */
void ensure_std_fds(void);
/* mkdir -p; the last component gets `mode`, intermediates 0755. Returns 0 or -1/errno. */
int mkdirs(const char *path, mode_t mode);
/* write all bytes to a blocking fd; 0 or -1/errno */
int write_all(int fd, const void *p, size_t n);
/* Writes a short string to a control file (cgroup, /proc); async-signal-safe. -1 with errno on failure. */
int write_control(const char *path, const char *value);

/* Inside a VM, every command the agent starts runs in this cgroup (pids.max from pyro.pids_max),
 * while init and the agent stay in the root one: a fork bomb spends its own budget. */
#define WORKLOAD_CGROUP "/sys/fs/cgroup/pyro-workload"

#endif
