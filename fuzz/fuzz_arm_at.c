/*
 * fuzz_arm_at.c: libFuzzer target for the LIVE_ARM_AT parser. Any input
 * must parse or be refused without a crash, and an accepted value must be
 * inside the documented range (1970..9999) and round-trip stable: parsing
 * is a pure function of the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arming.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    int64_t a = -1, b = -2;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (pf_parse_arm_at(s, &a) == 0) {
        if (a < 0 || a > 253402300799999LL)
            abort();
        if (pf_parse_arm_at(s, &b) != 0 || a != b)
            abort();
    }
    free(s);
    return 0;
}
