/*
 * fuzz_redact.c: libFuzzer target for redaction. The input is split into
 * up to three secrets and a text; the masked text must contain none of
 * the secrets (a secret holding '*' may be formed anew by a mask and its
 * neighbour, which leaks nothing, so those are not asserted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *parts[4] = {0}, *out;
    pf_redactor r;
    size_t i, k = 0;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    /* "secret1\x01secret2\x01secret3\x01text" */
    parts[k++] = s;
    for (i = 0; i < size && k < 4; i++) {
        if (s[i] == '\x01') {
            s[i] = '\0';
            parts[k++] = s + i + 1;
        }
    }
    pf_redactor_init(&r);
    for (i = 0; i + 1 < k; i++)
        pf_redactor_add(&r, parts[i]);
    out = pf_redact(&r, parts[k - 1]);
    if (out != NULL) {
        for (i = 0; i < r.n; i++) {
            /* a secret holding '*' can be formed by a mask and the text
             * next to it without being leaked; any other must be gone */
            if (strchr(r.values[i], '*') == NULL &&
                strstr(out, r.values[i]) != NULL)
                abort();
        }
    }
    free(out);
    pf_redactor_free(&r);
    free(s);
    return 0;
}
