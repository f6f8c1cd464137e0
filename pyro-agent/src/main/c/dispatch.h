/* The dispatcher: the session on top of the transport (hello, the method table, routing of
 * channels to uploads and processes). The transport calls these with complete frames. */
#ifndef PYRO_DISPATCH_H
#define PYRO_DISPATCH_H

#include "protocol.h"

void dispatch_init(bool under_init, pid_t init_pid, const char *instance);

void dispatch_connected(void);                                /* announce the agent (agent_ready) */
void dispatch_hello(const uint8_t *p, size_t n);              /* a HELLO frame on channel 0 */
void dispatch_msg(uint32_t chan, const uint8_t *p, size_t n); /* a complete JSON message */
void dispatch_too_large(uint32_t chan);                       /* a split message over the limit */
void dispatch_data(uint32_t chan, const uint8_t *p, size_t n); /* after hello, channel != 0 */
void dispatch_eof(uint32_t chan);                             /* after hello, channel != 0 */
void dispatch_protocol_error(const char *msg);                /* tell the host before resync/close */
void dispatch_disconnected(void);                             /* forget channel bindings */
void dispatch_kill_all(void);                                 /* stdio closed: the agent exits */

#endif
