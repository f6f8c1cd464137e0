/* The wire format shared by every part of pyro-agent: frame types and limits (docs/protocol.md). */
#ifndef PYRO_PROTOCOL_H
#define PYRO_PROTOCOL_H

#include "common.h"

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

#endif
