/*
 * fuzz_lock.c: libFuzzer target for the pack lock parser. A lock it
 * accepts is sorted, unique, made of plain relative paths, and written
 * back by pf_lock_text byte for byte; one it refuses holds no entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when a component of p is empty, "." or "..". */
static int bad_component(const char *p)
{
    for (;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return 1;
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_lock l;
    pf_buf b;
    char err[300];

    if (pf_lock_parse((const char *)data, size, &l, err, sizeof err) != 0) {
        if (l.n != 0 || l.e != NULL || err[0] == '\0')
            abort();
        return 0;
    }
    for (size_t i = 0; i < l.n; i++) {
        const char *p = l.e[i].path;
        if (p[0] == '/' || p[0] == ' ' || strchr(p, '\n') != NULL ||
            strlen(l.e[i].sha256) != 64 || bad_component(p))
            abort();
        if (i > 0 && strcmp(l.e[i - 1].path, p) >= 0)
            abort();
    }
    pf_buf_init(&b);
    pf_lock_text(&l, &b);
    if (b.oom || b.len != size || (size && memcmp(b.data, data, size) != 0))
        abort();
    pf_buf_free(&b);
    pf_lock_free(&l);
    return 0;
}
