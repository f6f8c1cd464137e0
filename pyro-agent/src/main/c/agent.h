/* pyro-agent internals. The wire format is documented in docs/protocol.md. */
#ifndef PYRO_AGENT_H
#define PYRO_AGENT_H

#include "common.h"

#include <jansson.h>
#include <poll.h>

#define PROTOCOL_VERSION 1

enum frame_type {
    FT_HELLO = 1,    /* JSON, channel 0 only: hello request / response */
    FT_MSG = 2,      /* JSON object: request, response or event (the last part of one) */
    FT_MSG_PART = 3, /* a leading fragment of a JSON message too big for one frame */
    FT_DATA = 4,     /* raw bytes: stdin (host->agent), file content (both ways) */
    FT_STDOUT = 5,   /* raw bytes, agent->host */
    FT_STDERR = 6,   /* raw bytes, agent->host */
    FT_EOF = 7,      /* end of the host's data on a channel (closes stdin) */
};
#define FT_MAX 7

#define MAX_PAYLOAD 65536u
#define MIN_FRAME_LEN 5u                      /* channel + type */
#define MAX_FRAME_LEN (5u + MAX_PAYLOAD)
#define MAX_IN_MESSAGE (1u << 20)             /* largest JSON message the agent accepts */
#define MAX_READ_BYTES (8u << 20)             /* largest single read response */
#define STDIN_QUEUE_MAX (8u << 20)            /* stdin bytes buffered per process */
#define OUT_HIGH_WATER (1u << 20)             /* stop reading process output above this */
#define OUT_MAX (32u << 20)                   /* stop reading host input above this */
#define EXIT_GRACE_MS 100                     /* wait for EOF on output after exit */
#define MAX_EXITED_RECORDS 1024

/* ---- connection (agent.c) ---- */
bool conn_ready(void);                      /* a host is connected and said hello */
size_t conn_out_pending(void);               /* bytes queued for the host */
void send_frame(uint32_t chan, uint8_t type, const void *p, size_t n);
void send_json(uint32_t chan, json_t *obj); /* steals obj */
void send_ok(uint32_t chan, json_t *obj);   /* obj may be NULL; steals; adds "ok": true */
void send_error(uint32_t chan, const char *code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* code and errno from errnum, message "<what>: <strerror>" */
void send_errno(uint32_t chan, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
json_t *error_object(const char *code, int errnum, const char *msg);
bool agent_under_init(void);

/* ---- poll registration (agent.c) ---- */
typedef void (*poll_cb)(void *ctx, int fd, short revents);
void poll_add(int fd, short events, poll_cb cb, void *ctx);

/* ---- request field helpers (agent.c); on failure they set req_err and return -1 ---- */
extern char req_err[512];
int jstr(json_t *o, const char *key, const char **out, bool required);
int jpath(json_t *o, const char *key, const char **out);     /* required, absolute, no NUL */
int jint(json_t *o, const char *key, int64_t *out, int64_t def, int64_t min, int64_t max);
int jint_opt(json_t *o, const char *key, int64_t *out, bool *present, int64_t min, int64_t max);
int jbool(json_t *o, const char *key, bool *out, bool def);
int jint_req(json_t *o, const char *key, int64_t *out, int64_t min, int64_t max);   /* required integer */
/* a JSON string for possibly non-UTF-8 bytes: sets key, and key_b64 when not UTF-8 */
void json_set_bytes(json_t *o, const char *key, const char *s, size_t n);
bool utf8_valid(const char *s, size_t n);
const char *file_type_name(mode_t m);
int parse_signal(json_t *v);   /* name ("TERM", "SIGTERM") or number; -1 if invalid */
const char *signal_name(int sig);

/* ---- processes (proc.c) ---- */
void proc_init(void);
void op_spawn(uint32_t chan, json_t *req);
void op_attach(uint32_t chan, json_t *req);
void op_list_processes(uint32_t chan, json_t *req);
void op_signal(uint32_t chan, json_t *req);
void op_resize(uint32_t chan, json_t *req);
bool proc_owns_channel(uint32_t chan);
void proc_on_data(uint32_t chan, const uint8_t *p, size_t n);
void proc_on_eof(uint32_t chan);
void proc_on_disconnect(void);
void proc_poll_register(void);
int64_t proc_next_deadline(void);   /* monotonic ms or -1 */
void proc_tick(void);               /* timers + sweep of finished records */
void proc_reap(void);               /* after SIGCHLD */
void proc_kill_all(int sig);

/* ---- files (fs.c) ---- */
void op_stat(uint32_t chan, json_t *req);
void op_list(uint32_t chan, json_t *req);
void op_read(uint32_t chan, json_t *req);
void op_write(uint32_t chan, json_t *req);
void op_mkdir(uint32_t chan, json_t *req);
void op_delete(uint32_t chan, json_t *req);
void op_rename(uint32_t chan, json_t *req);
void op_symlink(uint32_t chan, json_t *req);
void op_readlink(uint32_t chan, json_t *req);
void op_write_tree(uint32_t chan, json_t *req);
bool upload_owns_channel(uint32_t chan);
void upload_on_msg(uint32_t chan, const uint8_t *p, size_t n);
void upload_on_data(uint32_t chan, const uint8_t *p, size_t n);
void upload_on_eof(uint32_t chan);
void upload_on_disconnect(void);

#endif
