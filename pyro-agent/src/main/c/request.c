/* Request helpers: JSON field parsing (jstr, jint, ...) and response writing (send_ok,
 * send_error, ...), on top of the transport's frames. */
#include "request.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

char req_err[512];

/* ------------------------------------------------------------------ responses */

void send_json_frame(uint32_t chan, uint8_t type, json_t *obj) {
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

void send_json(uint32_t chan, json_t *obj) { send_json_frame(chan, FT_MSG, obj); }

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

void send_event(const char *event, const char *code, const char *msg, int64_t channel) {
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
