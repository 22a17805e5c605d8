/*
 * fuzz_sig.c: libFuzzer target for the signature readers of `preflight
 * verify` (DESIGN.md 8.9): the EVIDENCE.sig decoder (pf_sig_decode) and
 * the --pubkey line (pf_approvers_parse wanting exactly one key). The
 * first byte picks which. A .sig it accepts is the canonical base64 of
 * 64 bytes (re-encoding gives the same text); a key file it accepts has
 * one key, a printable name and a key id of 16 hex digits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;

    if (size == 0)
        return 0;
    if (data[0] & 1) {
        unsigned char sig[64];
        pf_buf b;
        size_t want = n;
        if (pf_sig_decode(s, n, sig) != 0)
            return 0;
        if (want > 0 && s[want - 1] == '\n')
            want--;
        pf_buf_init(&b);
        pf_base64_encode(sig, sizeof sig, 0, &b);
        if (b.oom || b.len != want || memcmp(b.data, s, want) != 0)
            abort();
        pf_buf_free(&b);
    } else {
        static pf_approvers a;
        char err[300];
        if (pf_approvers_parse(s, n, &a, err, sizeof err) != 0) {
            if (a.n != 0)
                abort();
            return 0;
        }
        if (a.n != 1) /* verify refuses it: not one key */
            return 0;
        if (!pf_name_ok(a.a[0].name, PF_NAME_MAX) ||
            strlen(a.a[0].kid) != 16 ||
            strspn(a.a[0].kid, "0123456789abcdef") != 16)
            abort();
    }
    return 0;
}
