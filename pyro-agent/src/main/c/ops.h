/* The operations of pyro-agent (fs.c, proc.c), as the dispatcher and main call them. */
#ifndef PYRO_OPS_H
#define PYRO_OPS_H

#include "protocol.h"

#include <jansson.h>

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
