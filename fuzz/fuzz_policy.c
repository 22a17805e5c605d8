/*
 * fuzz_policy.c: libFuzzer target for the policy parser. A policy it
 * accepts has every set value within its bounds and paths without control
 * bytes; one it refuses is left empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_policy p;
    char err[300];

    if (pf_policy_parse((const char *)data, size, &p, err, sizeof err) != 0) {
        if (p.kill_switch[0] || p.audit[0] || p.ceiling_cents ||
            p.guard_interval_s || p.stop_grace_ms || err[0] == '\0')
            abort();
        return 0;
    }
    if (!clean(p.kill_switch) || !clean(p.audit) || p.ceiling_cents < 0 ||
        p.ceiling_cents > 10000000 ||
        (p.guard_interval_s && (p.guard_interval_s < 1 ||
                                p.guard_interval_s > 300)) ||
        (p.stop_grace_ms && (p.stop_grace_ms < 100 || p.stop_grace_ms > 60000)))
        abort();
    return 0;
}
