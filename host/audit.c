/*
 * audit.c: append to and verify the hash-chained audit log (see audit.h).
 */
#define _GNU_SOURCE
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arming.h"
#include "buf.h"
#include "clock.h"
#include "sha256.h"

#define LOCK_TRIES 500 /* 10 ms apart: another preflight appends in far less */

/* Open the log for reading without following a symlink or blocking; a
 * regular file only. Returns the fd, -2 when it does not exist, or -1. */
static int open_log(const char *path, int flags, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                  0640);

    if (fd < 0) {
        if (errno == ENOENT && !(flags & O_CREAT))
            return -2;
        snprintf(err, errlen, "%s: %s", path,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* The seq a line starts with ({"seq":N,), or -1. */
static int64_t line_seq(const char *s, size_t n)
{
    static const char pre[] = "{\"seq\":";
    int64_t v = 0;
    size_t i = sizeof pre - 1, d = 0;

    if (n < sizeof pre || memcmp(s, pre, sizeof pre - 1) != 0)
        return -1;
    for (; i < n && s[i] >= '0' && s[i] <= '9' && d < 18; i++, d++)
        v = v * 10 + (s[i] - '0');
    if (d == 0 || i >= n || s[i] != ',' || (d > 1 && s[sizeof pre - 1] == '0'))
        return -1;
    return v;
}

/* The prev a line ends with ("prev":"<64 hex>"}), copied into prev, or -1. */
static int line_prev(const char *s, size_t n, char prev[65])
{
    static const char pre[] = ",\"prev\":\"";
    size_t need = sizeof pre - 1 + 64 + 2;

    if (n < need || memcmp(s + n - need, pre, sizeof pre - 1) != 0 ||
        memcmp(s + n - 2, "\"}", 2) != 0)
        return -1;
    for (size_t i = 0; i < 64; i++) {
        char c = s[n - 66 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return -1;
    }
    memcpy(prev, s + n - 66, 64);
    prev[64] = '\0';
    return 0;
}

/* Read the last line of the open log: its seq and hash. An empty log
 * gives seq 0 and 64 zeros. Returns 0, or -1 with err set. */
static int last_line(int fd, const char *path, int64_t *seq, char hash[65],
                     char *err, size_t errlen)
{
    static char buf[PF_AUDIT_MAX_LINE + 2];
    struct stat st;
    off_t size, from;
    size_t n, start;
    ssize_t r;

    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size = st.st_size;
    if (size == 0) {
        *seq = 0;
        memcpy(hash, PF_AUDIT_ZERO, 65);
        return 0;
    }
    from = size > (off_t)sizeof buf ? size - (off_t)sizeof buf : 0;
    n = (size_t)(size - from);
    r = pread(fd, buf, n, from);
    if (r != (ssize_t)n) {
        snprintf(err, errlen, "%s: cannot read its last line", path);
        return -1;
    }
    if (buf[n - 1] != '\n') {
        snprintf(err, errlen, "%s: the last line is not whole (run "
                              "`preflight audit verify`)", path);
        return -1;
    }
    for (start = n - 1; start > 0 && buf[start - 1] != '\n'; start--)
        ;
    if (start == 0 && from > 0) {
        snprintf(err, errlen, "%s: the last line is longer than %d bytes",
                 path, PF_AUDIT_MAX_LINE);
        return -1;
    }
    *seq = line_seq(buf + start, n - 1 - start);
    if (*seq < 1) {
        snprintf(err, errlen, "%s: the last line is not an audit record",
                 path);
        return -1;
    }
    pf_sha256_hex(buf + start, n - 1 - start, hash);
    return 0;
}

static void strs(pf_buf *b, const char *key, const char *const *v, size_t n)
{
    pf_buf_addf(b, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            pf_buf_addc(b, ',');
        pf_json_strz(b, v[i]);
    }
    pf_buf_addc(b, ']');
}

/* The record's line (no newline) for seq and prev. */
static void record(pf_buf *b, const pf_audit_rec *r, int64_t seq,
                   const char *prev)
{
    struct passwd *pw = getpwuid(geteuid());
    char t[40];

    pf_rfc3339_ms(r->now_ms, t, sizeof t);
    pf_buf_addf(b, "{\"seq\":%lld,\"time\":\"%s\",\"command\":", (long long)seq,
                t);
    pf_json_strz(b, r->command);
    pf_buf_addf(b, ",\"euid\":%u,\"user\":", (unsigned)geteuid());
    pf_json_strz(b, pw ? pw->pw_name : NULL);
    pf_buf_adds(b, ",\"host\":");
    pf_json_strz(b, r->host);
    pf_buf_adds(b, ",\"outcome\":");
    pf_json_strz(b, r->outcome);
    pf_buf_addf(b, ",\"exit_code\":%d,\"pack\":", r->exit_code);
    pf_json_strz(b, r->pack);
    strs(b, "key_ids", r->key_ids, r->nkeys);
    strs(b, "nonces", r->nonces, r->nnonces);
    pf_buf_adds(b, ",\"reason\":");
    pf_json_strz(b, r->reason);
    pf_buf_addf(b, ",\"prev\":\"%s\"}", prev);
}

/*
 * Open the log at path (flags as open_log) and take its exclusive lock,
 * waiting at most LOCK_TRIES times 10 ms. The lock is on the file open,
 * so a rotation (which replaces the file at path under the old file's
 * lock) may have happened while this waited: then the file is opened
 * again, so a line never goes to the file a rotation has closed. Returns
 * the locked fd, -2 when the file does not exist (without O_CREAT), or -1
 * with err set.
 */
static int open_locked(const char *path, int flags, char *err, size_t errlen)
{
    struct timespec pause = {0, 10 * 1000 * 1000};
    int tries = 0;

    for (int reopen = 0; reopen < LOCK_TRIES; reopen++) {
        struct stat a, b;
        int fd = open_log(path, flags, err, errlen);

        if (fd < 0)
            return fd;
        while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK || tries++ >= LOCK_TRIES) {
                snprintf(err, errlen, "%s: cannot lock it: %s", path,
                         errno == EWOULDBLOCK
                             ? "another process holds the lock"
                             : strerror(errno));
                close(fd);
                return -1;
            }
            nanosleep(&pause, NULL);
        }
        if (fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return fd;
        close(fd); /* rotated meanwhile: the file at path is another */
    }
    snprintf(err, errlen, "%s: it keeps being replaced", path);
    return -1;
}

int pf_audit_append(const char *path, const pf_audit_rec *r, int64_t *seq,
                    char hash[65], char *err, size_t errlen)
{
    char prev[65];
    int64_t last;
    pf_buf b;
    int fd, rc = -1;

    pf_buf_init(&b);
    fd = open_locked(path, O_RDWR | O_APPEND | O_CREAT, err, errlen);
    if (fd < 0)
        return -1;
    if (last_line(fd, path, &last, prev, err, errlen) != 0)
        goto cleanup;
    /* under the lock: a nonce is recorded once, so of two runs racing
     * with the same approval only one gets its record (one pass over the
     * log for all of them) */
    if (r->nnonces > 0) {
        char why[300];
        size_t which = 0;
        int seen = pf_audit_nonces_seen(path, r->nonces, r->nnonces, &which,
                                        why, sizeof why);
        if (seen != 0) {
            snprintf(err, errlen, "%s: approval nonce %.32s %s", path,
                     r->nonces[which],
                     seen > 0 ? "is already recorded (replayed)"
                              : "cannot be looked up");
            goto cleanup;
        }
    }
    record(&b, r, last + 1, prev);
    if (b.oom || b.len > PF_AUDIT_MAX_LINE) {
        snprintf(err, errlen, "%s: %s", path,
                 b.oom ? "out of memory" : "the record is too long");
        goto cleanup;
    }
    if (hash != NULL)
        pf_sha256_hex(b.data, b.len, hash);
    pf_buf_addc(&b, '\n');
    if (b.oom || write(fd, b.data, b.len) != (ssize_t)b.len) {
        snprintf(err, errlen, "%s: write failed: %s", path,
                 b.oom ? "out of memory" : strerror(errno));
        goto cleanup; /* a short line is refused by the next append */
    }
    if (fsync(fd) != 0) {
        snprintf(err, errlen, "%s: fsync failed: %s", path, strerror(errno));
        goto cleanup;
    }
    *seq = last + 1;
    rc = 0;
cleanup:
    pf_buf_free(&b);
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, errlen, "%s: close failed: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* Call fn on every line of the log (without its newline). fn returns 0 to
 * go on, anything else to stop with that value. Returns fn's value, 0 at
 * the end, 2 unreadable, or 1 when a line is not whole or too long (err
 * set naming it). */
static int each_line(const char *path, int (*fn)(void *ud, size_t no,
                                                  const char *s, size_t n),
                     void *ud, char *err, size_t errlen)
{
    static char buf[PF_AUDIT_MAX_LINE + 2];
    size_t have = 0, no = 0;
    ssize_t r;
    int fd = open_log(path, O_RDONLY, err, errlen), rc = 0;

    if (fd == -2) {
        snprintf(err, errlen, "%s: %s", path, strerror(ENOENT));
        return 2;
    }
    if (fd < 0)
        return 2;
    for (;;) {
        char *nl;
        r = read(fd, buf + have, sizeof buf - have);
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = 2;
            break;
        }
        have += (size_t)r;
        while ((nl = memchr(buf, '\n', have)) != NULL) {
            size_t n = (size_t)(nl - buf);
            no++;
            if ((rc = fn(ud, no, buf, n)) != 0)
                goto done;
            memmove(buf, nl + 1, have - n - 1);
            have -= n + 1;
        }
        if (have == sizeof buf) {
            snprintf(err, errlen, "line %zu is longer than %d bytes", no + 1,
                     PF_AUDIT_MAX_LINE);
            rc = 1;
            break;
        }
        if (r == 0) {
            if (have > 0) {
                snprintf(err, errlen, "line %zu is not whole (no newline)",
                         no + 1);
                rc = 1;
            }
            break;
        }
    }
done:
    close(fd);
    return rc;
}

typedef struct chain {
    char prev[65];
    pf_audit_chain *out;
    char *err;
    size_t errlen;
} chain;

/* 1 when the line is a rotation record (its command is "rotate"). */
static int is_rotate(const char *s, size_t n)
{
    static const char cmd[] = ",\"command\":\"rotate\",";

    return memmem(s, n, cmd, sizeof cmd - 1) != NULL;
}

static int chain_line(void *ud, size_t no, const char *s, size_t n)
{
    chain *c = ud;
    pf_audit_chain *o = c->out;
    char prev[65];
    int64_t seq = line_seq(s, n);

    if (no == 1) {
        int linked = is_rotate(s, n) && line_prev(s, n, prev) == 0 &&
                     strcmp(prev, PF_AUDIT_ZERO) != 0 && seq > 1;
        if (!linked && seq != 1) {
            snprintf(c->err, c->errlen, "line 1: seq is not 1");
            return 1;
        }
        if (linked) { /* the first line of a rotated log: links back */
            o->linked = 1;
            memcpy(c->prev, prev, 65);
        }
        o->first_seq = seq;
    } else if (seq != o->first_seq + (int64_t)no - 1) {
        snprintf(c->err, c->errlen, "line %zu: seq is not %lld", no,
                 (long long)(o->first_seq + (int64_t)no - 1));
        return 1;
    }
    if (line_prev(s, n, prev) != 0) {
        snprintf(c->err, c->errlen, "line %zu: no prev hash at its end", no);
        return 1;
    }
    if (strcmp(prev, c->prev) != 0) {
        if (no == 1)
            snprintf(c->err, c->errlen, "line 1: prev is not 64 zeros (the "
                                        "first line of a log) and the line "
                                        "is not a rotation record");
        else
            snprintf(c->err, c->errlen, "line %zu: prev is not the hash of "
                                        "line %zu (the log was changed)",
                     no, no - 1);
        return 1;
    }
    if (no == 1)
        memcpy(o->first_prev, prev, 65);
    pf_sha256_hex(s, n, c->prev);
    memcpy(o->last_hash, c->prev, 65);
    o->last_seq = seq;
    o->nlines = no;
    return 0;
}

int pf_audit_verify_chain(const char *path, pf_audit_chain *out, char *err,
                          size_t errlen)
{
    chain c;

    memset(out, 0, sizeof *out);
    memcpy(c.prev, PF_AUDIT_ZERO, 65);
    memcpy(out->first_prev, PF_AUDIT_ZERO, 65);
    memcpy(out->last_hash, PF_AUDIT_ZERO, 65);
    c.out = out;
    c.err = err;
    c.errlen = errlen;
    return each_line(path, chain_line, &c, err, errlen);
}

int pf_audit_verify(const char *path, size_t *nlines, char *err,
                    size_t errlen)
{
    pf_audit_chain c;
    int rc = pf_audit_verify_chain(path, &c, err, errlen);

    *nlines = c.nlines;
    return rc;
}

typedef struct seen {
    const char *const *nonces;
    size_t n, which;
} seen;

/* 3 when the line holds one of the nonces quoted ("<32 hex>"), anywhere:
 * a superset of its nonces member, so never fewer hits. */
static int seen_line(void *ud, size_t no, const char *s, size_t n)
{
    seen *q = ud;
    const char *p = s, *end = s + n;

    (void)no;
    while (end - p >= 34 && (p = memchr(p, '"', (size_t)(end - p - 33)))) {
        if (p[33] == '"') {
            for (size_t i = 0; i < q->n; i++) {
                if (strncmp(q->nonces[i], p + 1, 32) == 0 &&
                    strlen(q->nonces[i]) == 32) {
                    q->which = i;
                    return 3;
                }
            }
        }
        p++;
    }
    return 0;
}

int pf_audit_nonces_seen(const char *path, const char *const *nonces,
                         size_t n, size_t *which, char *err, size_t errlen)
{
    seen q = {nonces, n, 0};
    int rc;

    *which = 0;
    rc = each_line(path, seen_line, &q, err, errlen);
    if (rc == 3) {
        *which = q.which;
        return 1;
    }
    if (rc == 0)
        return 0;
    if (rc == 2 && access(path, F_OK) != 0 && errno == ENOENT)
        return 0; /* no log yet: nothing was ever armed with it */
    return -1;
}

int pf_audit_nonce_seen(const char *path, const char *nonce, char *err,
                        size_t errlen)
{
    size_t which;

    return pf_audit_nonces_seen(path, &nonce, 1, &which, err, errlen);
}

/* Every quoted 32-byte string of a line into the set (a superset of the
 * line's nonces). */
typedef struct all {
    char (*set)[33];
    size_t n, cap;
    int oom;
} all;

static int all_line(void *ud, size_t no, const char *s, size_t n)
{
    all *a = ud;
    const char *p = s, *end = s + n;

    (void)no;
    while (end - p >= 34 && (p = memchr(p, '"', (size_t)(end - p - 33)))) {
        if (p[33] == '"' && memchr(p + 1, '"', 32) == NULL) {
            if (a->n == a->cap) {
                size_t cap = a->cap ? 2 * a->cap : 64;
                char (*grown)[33] = realloc(a->set, cap * sizeof *grown);
                if (grown == NULL) {
                    a->oom = 1;
                    return 4;
                }
                a->set = grown;
                a->cap = cap;
            }
            memcpy(a->set[a->n], p + 1, 32);
            a->set[a->n++][32] = '\0';
            p += 33;
            continue;
        }
        p++;
    }
    return 0;
}

int pf_audit_nonces_all(const char *path, char (**set)[33], size_t *n,
                        char *err, size_t errlen)
{
    all a;
    int rc;

    memset(&a, 0, sizeof a);
    rc = each_line(path, all_line, &a, err, errlen);
    if (rc == 2 && access(path, F_OK) != 0 && errno == ENOENT)
        rc = 0; /* no log yet */
    if (rc != 0) {
        if (a.oom)
            snprintf(err, errlen, "out of memory");
        free(a.set);
        *set = NULL;
        *n = 0;
        return -1;
    }
    *set = a.set;
    *n = a.n;
    return 0;
}

typedef struct shown {
    pf_buf *b;
    size_t skip; /* lines before the first shown */
    int json;
} shown;

static int count_line(void *ud, size_t no, const char *s, size_t n)
{
    (void)s;
    (void)n;
    *(size_t *)ud = no;
    return 0;
}

static int show_line(void *ud, size_t no, const char *s, size_t n)
{
    shown *w = ud;
    char seq[24], t[40], cmd[40], oc[40], ex[16], user[64], host[80],
        pack[72], reason[400];

    if (no <= w->skip)
        return 0;
    if (w->json) {
        pf_buf_add(w->b, s, n);
        pf_buf_addc(w->b, '\n');
        return 0;
    }
    pf_json_field(s, n, "seq", seq, sizeof seq);
    pf_json_field(s, n, "time", t, sizeof t);
    pf_json_field(s, n, "command", cmd, sizeof cmd);
    pf_json_field(s, n, "outcome", oc, sizeof oc);
    pf_json_field(s, n, "exit_code", ex, sizeof ex);
    pf_json_field(s, n, "user", user, sizeof user);
    pf_json_field(s, n, "host", host, sizeof host);
    pf_json_field(s, n, "pack", pack, sizeof pack);
    pf_json_field(s, n, "reason", reason, sizeof reason);
    pack[12] = '\0'; /* the digest's first 12 digits */
    pf_buf_addf(w->b, "%6s  %-24s %-10s %-12s exit %-3s %s@%s  pack %s%s%s\n",
                seq, t, cmd, oc, ex, user, host, pack,
                reason[0] == '-' && reason[1] == '\0' ? "" : "  ",
                reason[0] == '-' && reason[1] == '\0' ? "" : reason);
    return 0;
}

int pf_audit_show(const char *path, size_t n, int json, pf_buf *b, char *err,
                  size_t errlen)
{
    size_t total = 0;
    shown w;
    int rc = each_line(path, count_line, &total, err, errlen);

    if (rc != 0)
        return rc;
    w.b = b;
    w.json = json;
    w.skip = n == 0 || n >= total ? 0 : total - n;
    return each_line(path, show_line, &w, err, errlen);
}
/* What a rotation carries over: the chain of the old file, and the
 * approval nonces of its recent lines (a token's nonce must stay known
 * while the token could still be valid). */
typedef struct carry {
    chain ch;
    int64_t since_ms;   /* lines at or after this time carry their nonces */
    char (*nonce)[33];
    size_t n;
    int oom;
} carry;

static void carry_nonce(carry *k, const char *p, size_t len)
{
    char (*grown)[33];

    for (size_t i = 0; i < k->n; i++) {
        if (memcmp(k->nonce[i], p, 32) == 0)
            return;
    }
    grown = realloc(k->nonce, (k->n + 1) * sizeof *grown);
    if (grown == NULL) {
        k->oom = 1;
        return;
    }
    k->nonce = grown;
    memcpy(k->nonce[k->n], p, len);
    k->nonce[k->n++][32] = '\0';
}

/* chain_line, and the nonces of a line written since k->since_ms (or
 * whose time cannot be read: carried too). */
static int carry_line(void *ud, size_t no, const char *s, size_t n)
{
    static const char key[] = ",\"nonces\":[";
    carry *k = ud;
    const char *p, *end = s + n;
    char t[64];
    int64_t ms;
    int rc = chain_line(&k->ch, no, s, n);

    if (rc != 0)
        return rc;
    pf_json_field(s, n, "time", t, sizeof t);
    if (pf_parse_arm_at(t, &ms) == 0 && ms < k->since_ms)
        return 0;
    p = memmem(s, n, key, sizeof key - 1);
    if (p == NULL)
        return 0;
    for (p += sizeof key - 1; p < end && *p == '"';) {
        const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
        if (q == NULL)
            break;
        if (q - p - 1 == 32)
            carry_nonce(k, p + 1, 32);
        p = q + 1;
        if (p >= end || *p != ',')
            break;
        p++;
    }
    return 0;
}

/* fsync the folder holding path. Returns 0 or -1. */
static int sync_dir(const char *path)
{
    char dir[4096];
    char *slash;
    int fd, rc;

    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

int pf_audit_rotate(const char *path, const char *host, int64_t now_ms,
                    char *archive, size_t archivelen, pf_audit_chain *old,
                    char hash[65], char *err, size_t errlen)
{
    char tmp[4200], reason[600], why[300];
    const char **nonces = NULL;
    const char *base;
    carry k;
    pf_audit_rec r;
    struct stat st;
    pf_buf b;
    int fd, tfd = -1, rc = -1, linked = 0, renamed = 0;

    memset(&k, 0, sizeof k);
    memset(old, 0, sizeof *old);
    pf_buf_init(&b);
    archive[0] = '\0';
    tmp[0] = '\0';
    fd = open_locked(path, O_RDWR, err, errlen);
    if (fd == -2)
        snprintf(err, errlen, "%s: %s (nothing to rotate)", path,
                 strerror(ENOENT));
    if (fd < 0)
        return -1;
    /* under the old file's lock from here to the rename */
    memcpy(k.ch.prev, PF_AUDIT_ZERO, 65);
    memcpy(old->first_prev, PF_AUDIT_ZERO, 65);
    memcpy(old->last_hash, PF_AUDIT_ZERO, 65);
    k.ch.out = old;
    k.ch.err = why;
    k.ch.errlen = sizeof why;
    k.since_ms = now_ms - PF_AUDIT_CARRY_S * 1000;
    rc = each_line(path, carry_line, &k, why, sizeof why);
    if (rc != 0 || k.oom) {
        snprintf(err, errlen, "%s: %s%s", path,
                 rc == 1 ? "not rotated, the chain is broken: " : "",
                 k.oom ? "out of memory" : why);
        rc = rc == 1 && !k.oom ? 1 : -1;
        goto cleanup;
    }
    if (old->nlines == 0) {
        snprintf(err, errlen, "%s: empty, nothing to rotate", path);
        rc = 1;
        goto cleanup;
    }
    rc = -1;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    if ((size_t)snprintf(archive, archivelen, "%s.%lld-%lld", path,
                         (long long)old->first_seq,
                         (long long)old->last_seq) >= archivelen ||
        (size_t)snprintf(tmp, sizeof tmp, "%s.rotate-XXXXXX", path) >=
            sizeof tmp) {
        snprintf(err, errlen, "%s: the path is too long", path);
        archive[0] = tmp[0] = '\0';
        goto cleanup;
    }
    /* the old file keeps its bytes under its new name; the name stays
     * taken by it until the new file replaces it (no moment without a
     * log at path, where an append would start a new chain) */
    if (link(path, archive) != 0) {
        snprintf(err, errlen, "%s: %s", archive, strerror(errno));
        archive[0] = '\0';
        goto cleanup;
    }
    linked = 1;
    if ((nonces = calloc(k.n + 1, sizeof *nonces)) == NULL) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < k.n; i++)
        nonces[i] = k.nonce[i];
    base = strrchr(archive, '/');
    snprintf(reason, sizeof reason, "rotated: the previous file is %s "
                                    "(seq %lld-%lld)",
             base ? base + 1 : archive, (long long)old->first_seq,
             (long long)old->last_seq);
    memset(&r, 0, sizeof r);
    r.command = "rotate";
    r.outcome = "rotated";
    r.host = host;
    r.nonces = nonces;
    r.nnonces = k.n;
    r.reason = reason;
    r.now_ms = now_ms;
    record(&b, &r, old->last_seq + 1, old->last_hash);
    if (b.oom || b.len > PF_AUDIT_MAX_LINE) {
        snprintf(err, errlen, "%s: %s", path,
                 b.oom ? "out of memory"
                       : "too many approvals in the last minutes to carry "
                         "their nonces in one line: rotate later");
        goto cleanup;
    }
    pf_sha256_hex(b.data, b.len, hash);
    pf_buf_addc(&b, '\n');
    tfd = b.oom ? -1 : mkstemp(tmp);
    if (tfd < 0) {
        snprintf(err, errlen, "%s: %s", tmp,
                 b.oom ? "out of memory" : strerror(errno));
        tmp[0] = '\0';
        goto cleanup;
    }
    /* the new file as the old: owner, group, mode */
    if ((fchown(tfd, st.st_uid, st.st_gid) != 0 && geteuid() == 0) ||
        fchmod(tfd, st.st_mode & 0777) != 0 ||
        write(tfd, b.data, b.len) != (ssize_t)b.len || fsync(tfd) != 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (close(tfd) != 0) {
        tfd = -1;
        snprintf(err, errlen, "%s: close failed: %s", tmp, strerror(errno));
        goto cleanup;
    }
    tfd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    renamed = 1;
    if (sync_dir(path) != 0) {
        snprintf(err, errlen, "%s: fsync of its folder failed: %s", path,
                 strerror(errno));
        goto cleanup; /* rotated, but maybe not on disk: said */
    }
    rc = 0;
cleanup:
    if (tfd >= 0)
        close(tfd);
    if (!renamed && tmp[0] != '\0')
        unlink(tmp);
    if (!renamed && linked)
        unlink(archive); /* the old file is still the log */
    if (!renamed)
        archive[0] = '\0';
    free(nonces);
    free(k.nonce);
    pf_buf_free(&b);
    close(fd); /* releases the old file's lock: waiting appends reopen */
    return rc;
}
