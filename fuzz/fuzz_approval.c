/*
 * fuzz_approval.c: libFuzzer target for the approvers file parser and the
 * token decoder. The first byte picks which. An approvers file it accepts
 * has printable names, distinct keys and 1 <= require <= keys (or no
 * keys); a token it decodes re-encodes to the same line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;

    if (size == 0)
        return 0;
    if (data[0] & 1) {
        static pf_approvers a;
        char err[300];
        if (pf_approvers_parse(s, n, &a, err, sizeof err) != 0) {
            if (a.n != 0)
                abort();
            return 0;
        }
        if (a.require < 1 || (a.n > 0 && (size_t)a.require > a.n))
            abort();
        for (size_t i = 0; i < a.n; i++) {
            if (!pf_name_ok(a.a[i].name, PF_NAME_MAX))
                abort();
            for (size_t j = 0; j < i; j++)
                if (memcmp(a.a[i].key, a.a[j].key, 32) == 0)
                    abort();
        }
    } else {
        static pf_token t;
        pf_buf b;
        if (pf_token_decode(s, n, &t) != 0)
            return 0;
        pf_buf_init(&b);
        pf_token_encode(t.payload, t.payload_len, t.sig, &b);
        if (b.len != n || memcmp(b.data, s, n) != 0)
            abort();
        pf_buf_free(&b);
    }
    return 0;
}
