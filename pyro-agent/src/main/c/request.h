/* Request helpers for the operations: JSON field parsing and response writing. Operations (fs.c,
 * proc.c, dispatch.c) use these, never the dispatcher itself. */
#ifndef PYRO_REQUEST_H
#define PYRO_REQUEST_H

#include "transport.h"

#include <jansson.h>

/* ---- responses ---- */
void send_json_frame(uint32_t chan, uint8_t type, json_t *obj);   /* steals obj */
void send_json(uint32_t chan, json_t *obj); /* steals obj */
void send_ok(uint32_t chan, json_t *obj);   /* obj may be NULL; steals; adds "ok": true */
void send_error(uint32_t chan, const char *code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* code and errno from errnum, message "<what>: <strerror>" */
void send_errno(uint32_t chan, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* an event on channel 0 with an error object; channel < 0 leaves the channel field out */
void send_event(const char *event, const char *code, const char *msg, int64_t channel);
json_t *error_object(const char *code, int errnum, const char *msg);

/* ---- request fields; on failure they set req_err and return -1 ---- */
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

#endif
