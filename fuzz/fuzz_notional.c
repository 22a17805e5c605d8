/*
 * fuzz_notional.c: libFuzzer target for LIVE_MAX_NOTIONAL_USD and the
 * ceiling parser. An accepted amount is made only of ASCII digits and at
 * most one point followed by one or two digits, and its cents value is
 * what that text says (checked by an independent slow parse).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arming.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent check: digits [. d [d]], value in cents, no overflow. */
static int slow_cents(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t i = 0, frac = 0;
    int point = 0;

    if (s[0] == '\0')
        return -1;
    for (; s[i]; i++) {
        if (s[i] == '.') {
            if (point || i == 0 || s[i + 1] == '\0')
                return -1;
            point = 1;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (point && ++frac > 2)
            return -1;
        if (v > (INT64_MAX - (s[i] - '0')) / 10)
            return -1; /* exact: INT64_MAX itself fits */
        v = v * 10 + (s[i] - '0');
    }
    while (frac < 2) {
        if (v > INT64_MAX / 10)
            return -1;
        v *= 10;
        frac++;
    }
    *out = v;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    int64_t a = -1, b = -1, c = -1;
    int ra, rb;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    ra = pf_parse_usd_cents(s, &a);
    rb = slow_cents(s, &b);
    if (ra == 0 && (rb != 0 || a != b))
        abort(); /* accepted something the grammar does not allow */
    if (rb == 0 && strlen(s) <= 18 && ra != 0)
        abort(); /* refused a plain amount that fits */
    if (pf_parse_ceiling(s, &c) == 0 &&
        (ra != 0 || c != a || c <= 0 || c > PF_NOTIONAL_HARD_MAX_CENTS))
        abort();
    free(s);
    return 0;
}
