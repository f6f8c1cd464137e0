/* The transport: one framed stream to the host over stdio, a virtio-serial port or a Unix socket.
 * It cuts input into frames, reassembles split messages, queues output and owns the poll set; it
 * parses no JSON. What arrives goes up to the dispatcher (dispatch.h). */
#ifndef PYRO_TRANSPORT_H
#define PYRO_TRANSPORT_H

#include "protocol.h"

#include <poll.h>

enum transport { T_STDIO, T_SERIAL, T_LISTEN, T_CONNECT };

/* ---- output and connection state, for every module ---- */
bool conn_ready(void);                      /* a host is connected and said hello */
size_t conn_out_pending(void);               /* bytes queued for the host */
void send_frame(uint32_t chan, uint8_t type, const void *p, size_t n);
/* a message of any size: MSG_PART frames, then one frame of final_type */
void send_text(uint32_t chan, uint8_t final_type, const char *s, size_t n);

/* ---- poll registration: the one poll set of the agent (transport, signals, processes) ---- */
typedef void (*poll_cb)(void *ctx, int fd, short revents);
void poll_add(int fd, short events, poll_cb cb, void *ctx);

/* ---- session state, for the dispatcher ---- */
bool conn_hello(void);                       /* the host said hello on this connection */
void conn_set_hello(void);
enum transport conn_kind(void);
const char *conn_transport_name(void);
void conn_flush(int ms);                     /* write queued output, blocking up to ms */

/* ---- lifecycle and event loop, for main ---- */
void transport_init(enum transport kind, const char *path);
int transport_start(void);                   /* open / listen / dial; -1 if it cannot */
void poll_reset(void);
int poll_run(int timeout_ms);                /* poll(2) and run the callbacks; poll's result */
void transport_poll_register(void);
int64_t transport_next_deadline(int64_t deadline);   /* the earlier of deadline and ours; -1 = none */
void transport_tick(void);                   /* retries, close timeout, pending output */
void transport_terminate(void);              /* before exit on SIGTERM: flush, remove the socket */

#endif
