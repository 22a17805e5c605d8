/*
 * fuzz_manifest.c: libFuzzer target for the manifest parser. Every id it
 * accepts is a valid id, listed once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char **ids = NULL, err[256];
    size_t n = 0, i, j;

    if (pf_manifest_parse((const char *)data, size, &ids, &n, err,
                          sizeof err) == 0) {
        for (i = 0; i < n; i++) {
            if (!pf_id_valid(ids[i]))
                abort();
            for (j = 0; j < i; j++) {
                if (strcmp(ids[i], ids[j]) == 0)
                    abort();
            }
        }
    }
    for (i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    return 0;
}
