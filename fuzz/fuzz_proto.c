/*
 * fuzz_proto.c: libFuzzer target for the worker-to-parent frame reader and
 * result decoder. Any bytes are a frame, need more, or are refused; a
 * decoded result obeys the invariants the parent relies on (an error has
 * a reason, a pass has an id, a title and a message and no reason), and
 * re-encoding it and decoding again gives the same status (and log).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *payload;
    size_t plen;
    int type;
    long flen = pf_proto_frame(data, size, &type, &payload, &plen);
    pf_check c, d;
    char err[256], id[PF_MAX_ID + 1];
    uint32_t ms;

    if (flen < 0 || flen == 0)
        return 0;
    if ((size_t)flen > size)
        abort();
    if (type == PF_FRAME_START) {
        if (pf_proto_decode_start(payload, plen, &ms, id) == 0 && id[0] &&
            !pf_id_valid(id))
            abort();
        return 0;
    }
    memset(&c, 0, sizeof c);
    if (pf_proto_decode_result(payload, plen, &c, err, sizeof err) == 0) {
        pf_buf b;
        const unsigned char *p2;
        size_t l2;
        int t2;
        if (c.status == PF_STATUS_ERROR && c.reason == PF_REASON_NONE)
            abort();
        if (c.status == PF_STATUS_PASS &&
            (c.id == NULL || c.title == NULL || c.message == NULL ||
             c.reason != PF_REASON_NONE))
            abort();
        for (size_t i = 0; i < c.ndetails; i++) {
            if (!pf_detail_value_ok(c.details[i].type, c.details[i].value))
                abort();
        }
        /* preflight.log's caps hold whatever the worker sent */
        if (c.nlog > PF_MAX_LOG)
            abort();
        for (size_t i = 0; i < c.nlog; i++) {
            if (strlen(c.log[i]) > PF_MAX_LOG_MESSAGE)
                abort();
        }
        pf_buf_init(&b);
        pf_proto_result(&b, &c);
        memset(&d, 0, sizeof d);
        if (b.oom ||
            pf_proto_frame((unsigned char *)b.data, b.len, &t2, &p2, &l2) <= 0 ||
            pf_proto_decode_result(p2, l2, &d, err, sizeof err) != 0 ||
            d.status != c.status || d.reason != c.reason || d.nlog != c.nlog)
            abort();
        pf_check_clear(&d);
        pf_buf_free(&b);
    } else if (c.id != NULL || c.message != NULL || c.ntags || c.ndetails ||
               c.nlog) {
        abort(); /* a refused result must leave nothing behind */
    }
    pf_check_clear(&c);
    return 0;
}
