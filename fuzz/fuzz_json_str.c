/*
 * fuzz_json_str.c: libFuzzer target for JSON string escaping in the
 * evidence writer. The output is always one JSON string: it starts and
 * ends with a quote, holds no raw control byte, no unescaped quote, and
 * only valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Length of the well-formed UTF-8 sequence at p (n bytes available), or
 * 0: the byte ranges of Unicode Table 3-7, written here as a table so the
 * oracle does not share code or shape with the decoder under test.
 */
static size_t wf_len(const unsigned char *p, size_t n)
{
    static const struct {
        unsigned char lead_lo, lead_hi, lo2, hi2;
        size_t len;
    } rows[] = {
        {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
        {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3},
        {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4},
        {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    size_t r, k;

    if (p[0] < 0x80)
        return 1;
    for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (p[0] < rows[r].lead_lo || p[0] > rows[r].lead_hi)
            continue;
        if (rows[r].len > n || p[1] < rows[r].lo2 || p[1] > rows[r].hi2)
            return 0;
        for (k = 2; k < rows[r].len; k++)
            if (p[k] < 0x80 || p[k] > 0xBF)
                return 0;
        return rows[r].len;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_buf b;
    size_t i;
    const unsigned char *p;

    pf_buf_init(&b);
    pf_json_str(&b, (const char *)data, size);
    if (b.oom) {
        pf_buf_free(&b);
        return 0;
    }
    p = (const unsigned char *)b.data;
    if (b.len < 2 || p[0] != '"' || p[b.len - 1] != '"')
        abort();
    for (i = 1; i + 1 < b.len; i++) {
        unsigned c = p[i];
        if (c < 0x20 || c == 0x7f)
            abort();
        if (c == '\\') {
            i++; /* the escaped character */
            continue;
        }
        if (c == '"')
            abort();
        if (c >= 0x80) {
            /* well-formed, and ending before the closing quote */
            size_t len = wf_len(p + i, b.len - 1 - i);
            if (len == 0)
                abort();
            i += len - 1;
        }
    }
    pf_buf_free(&b);
    return 0;
}
