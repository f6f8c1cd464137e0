#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "pyro";

void log_init(const char *prog) { log_prog = prog; }

void logf_(const char *fmt, ...) {
    char line[1024];
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);   /* like the kernel's printk time, to line up with dmesg */
    int n = snprintf(line, sizeof line, "[%5lld.%03ld] %s: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000, log_prog);
    if (n < 0) return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0) return;
    size_t len = strlen(line);
    line[len++] = '\n';
    int saved = errno;
    ssize_t w = write(2, line, len);
    (void)w;
    errno = saved;
}

static void oom(size_t n) {
    LOG("out of memory (allocating %zu bytes); exiting", n);
    _exit(70);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t m) {
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) oom(n * m);
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t real_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void buf_append(struct buf *b, const void *p, size_t n) {
    if (n == 0) return;
    if (b->off + b->len + n > b->cap) {
        if (b->off > 0) {
            memmove(b->d, b->d + b->off, b->len);
            b->off = 0;
        }
        if (b->len + n > b->cap) {
            size_t cap = b->cap ? b->cap : 4096;
            while (cap < b->len + n) cap *= 2;
            b->d = xrealloc(b->d, cap);
            b->cap = cap;
        }
    }
    memcpy(b->d + b->off + b->len, p, n);
    b->len += n;
}

void buf_consume(struct buf *b, size_t n) {
    if (n >= b->len) {
        b->off = 0;
        b->len = 0;
        if (b->cap > (1u << 20)) buf_free(b);
        return;
    }
    b->off += n;
    b->len -= n;
}

void buf_reset(struct buf *b) {
    b->off = 0;
    b->len = 0;
    if (b->cap > (1u << 20)) buf_free(b);
}

void buf_free(struct buf *b) {
    free(b->d);
    b->d = NULL;
    b->off = b->len = b->cap = 0;
}

int set_nonblock(int fd, bool on) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -1;
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, fl);
}

int set_cloexec(int fd) {
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0) return -1;
    return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

void ensure_std_fds(void) {
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", O_RDWR);
            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
    }
}

int mkdirs(const char *path, mode_t mode) {
    size_t len = strlen(path);
    if (len == 0 || len >= 4096) {
        errno = len ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    char tmp[4096];
    memcpy(tmp, path, len + 1);
    while (len > 1 && tmp[len - 1] == '/') tmp[--len] = 0;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(tmp, mode) < 0) {
        if (errno != EEXIST) return -1;
        struct stat st;
        if (stat(tmp, &st) < 0) return -1;
        if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return -1;
        }
    }
    return 0;
}

int write_all(int fd, const void *p, size_t n) {
    const uint8_t *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int write_control(const char *path, const char *value) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = 0;
    while (value[n]) n++;
    int rc = write_all(fd, value, n);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
