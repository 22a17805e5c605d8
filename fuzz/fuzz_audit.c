/*
 * fuzz_audit.c: libFuzzer target for the audit-log readers (host/audit.c):
 * the chain check (`audit verify`), the record printer (`audit show`, text
 * and json) and the nonce lookup, over any bytes as a log file. The input
 * is written to one temporary file (the readers read files, in chunks, as
 * in production). An intact verdict must mean whole lines, as many as the
 * file's newlines, with a consistent seq range; nothing may crash, hang or
 * read past its buffers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

/* The temporary log, made once (removed at exit). */
static void cleanup(void)
{
    unlink(path);
}

static int log_file(void)
{
    int fd;

    if (path[0] != '\0')
        return 0;
    snprintf(path, sizeof path, "/tmp/pf_fuzz_audit_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_audit_chain c;
    char err[400];
    size_t lines = 0;
    pf_buf b;
    FILE *f;
    int rc;

    if (log_file() != 0)
        abort();
    f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    rc = pf_audit_verify_chain(path, &c, err, sizeof err);
    if (rc < 0 || rc > 2)
        abort();
    if (rc == 0) {
        if (size > 0 && data[size - 1] != '\n')
            abort();
        if (c.nlines != lines)
            abort();
        if (c.nlines > 0 &&
            c.last_seq != c.first_seq + (int64_t)c.nlines - 1)
            abort();
        if (c.nlines > 0 && !c.linked && c.first_seq != 1)
            abort();
        if (c.linked && strcmp(c.first_prev, PF_AUDIT_ZERO) == 0)
            abort();
    }
    for (int json = 0; json <= 1; json++) {
        pf_buf_init(&b);
        rc = pf_audit_show(path, json ? 0 : 3, json, &b, err, sizeof err);
        if (rc < 0 || rc > 2)
            abort();
        pf_buf_free(&b);
    }
    rc = pf_audit_nonce_seen(path, "0123456789abcdef0123456789abcdef", err,
                             sizeof err);
    if (rc < -1 || rc > 1)
        abort();
    return 0;
}
