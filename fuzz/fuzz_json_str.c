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
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
            if (len == 0 || i + len > b.len - 1)
                abort();
            for (size_t k = 1; k < len; k++) {
                if ((p[i + k] & 0xC0) != 0x80)
                    abort();
            }
            i += len - 1;
        }
    }
    pf_buf_free(&b);
    return 0;
}
