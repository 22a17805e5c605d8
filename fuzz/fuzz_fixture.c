/*
 * fuzz_fixture.c: libFuzzer target for the HTTP fixture format. Any text
 * parses or is refused with a message; a parsed fixture is consistent
 * (a known kind, a status in range for a response, header names
 * lower-case, delay within its cap).
 */
#include <stdint.h>
#include <stdlib.h>

#include "fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_fixture fx;
    char err[256];
    size_t i;

    if (pf_fixture_parse((const char *)data, size, &fx, err, sizeof err) == 0) {
        if (fx.method == NULL || fx.url == NULL ||
            !pf_http_method_valid(fx.method))
            abort();
        if (fx.kind == PF_FIX_RESPONSE && (fx.status < 100 || fx.status > 599))
            abort();
        if (fx.delay_ms < 0 || fx.delay_ms > PF_FIX_MAX_DELAY_MS)
            abort();
        for (i = 0; i < fx.nheaders; i++) {
            for (const char *p = fx.headers[i].name; *p; p++) {
                if (*p >= 'A' && *p <= 'Z')
                    abort();
            }
        }
        pf_fixture_free(&fx);
    }
    return 0;
}
