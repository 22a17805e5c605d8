/*
 * proto.h: the messages between the parent and its workers.
 *
 * Parent to worker, a job: fixed 16 bytes (check index, kind, start time).
 * Worker to parent, frames: "PF", a type byte, a zero byte, a 32-bit
 * little-endian payload length, then the payload. A START frame carries the
 * check's own timeout so the parent can shorten its deadline; a RESULT
 * frame carries the whole outcome as tag-length-value fields. The decoder
 * trusts nothing: every length, tag, count and value is checked.
 */
#ifndef PF_PROTO_H
#define PF_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "result.h"

#define PF_PROTO_MAX_PAYLOAD (1u << 20)
#define PF_PROTO_HEADER 8

enum { PF_FRAME_START = 'S', PF_FRAME_RESULT = 'R' };
enum { PF_JOB_RUN = 1, PF_JOB_META = 2 };

typedef struct pf_job {
    uint32_t index;    /* into the runner's list of files */
    uint32_t kind;     /* PF_JOB_RUN or PF_JOB_META */
    uint64_t start_ns; /* CLOCK_MONOTONIC when the parent dispatched */
} pf_job;

void pf_job_pack(const pf_job *j, unsigned char out[16]);
void pf_job_unpack(const unsigned char in[16], pf_job *j);

/* Append a START frame (the check's timeout in ms and its id) to b. */
void pf_proto_start(pf_buf *b, uint32_t timeout_ms, const char *id);
/* Append a RESULT frame for c (file is not sent) to b. */
void pf_proto_result(pf_buf *b, const pf_check *c);

/*
 * Look for one whole frame at the start of p (n bytes). Returns the frame's
 * total length and sets *type, *payload, *plen when one is there; 0 when
 * more bytes are needed; -1 when the bytes can never become a valid frame.
 */
long pf_proto_frame(const unsigned char *p, size_t n, int *type,
                    const unsigned char **payload, size_t *plen);

/* Decode a START payload; id gets the check's id (valid, or "").
 * Returns 0 or -1. */
int pf_proto_decode_start(const unsigned char *p, size_t n, uint32_t *ms,
                          char id[PF_MAX_ID + 1]);

/*
 * Decode a RESULT payload into c (which must be cleared; file untouched).
 * Returns 0, or -1 with a message in err; on -1, c is cleared again.
 */
int pf_proto_decode_result(const unsigned char *p, size_t n, pf_check *c,
                           char *err, size_t errlen);

#endif
