/*
 * trust.c: decide whether a pack's files and folders can be trusted
 * (DESIGN.md 8.4; see trust.h). Every component is opened O_PATH with
 * O_NOFOLLOW from its parent's descriptor, so nothing is followed and a
 * folder swapped during the walk cannot redirect it; each component is
 * judged once, through a small string set.
 */
#define _GNU_SOURCE
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PATH 4096

/* The components already judged: open addressing, FNV-1a, grown at half
 * full. Keys are owned. */
typedef struct seen_set {
    char **slot;
    size_t cap, n;
} seen_set;

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void seen_free(seen_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    s->slot = NULL;
    s->cap = s->n = 0;
}

/* Put key (len bytes, not NUL-terminated) in s. Returns 1 when it was
 * new, 0 when it was there, -1 when memory ran out. */
static int seen_add(seen_set *s, const char *key, size_t len)
{
    size_t i;

    if (2 * (s->n + 1) > s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 64;
        char **nslot = calloc(ncap, sizeof *nslot);

        if (nslot == NULL)
            return -1;
        for (size_t j = 0; j < s->cap; j++) {
            if (s->slot[j] == NULL)
                continue;
            i = fnv1a(s->slot[j], strlen(s->slot[j])) & (ncap - 1);
            while (nslot[i] != NULL)
                i = (i + 1) & (ncap - 1);
            nslot[i] = s->slot[j];
        }
        free(s->slot);
        s->slot = nslot;
        s->cap = ncap;
    }
    i = fnv1a(key, len) & (s->cap - 1);
    while (s->slot[i] != NULL) {
        if (strlen(s->slot[i]) == len && memcmp(s->slot[i], key, len) == 0)
            return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->slot[i] = strndup(key, len);
    if (s->slot[i] == NULL)
        return -1;
    s->n++;
    return 1;
}

/*
 * Judge one component by its lstat-like st: name is its path relative to
 * the root, or NULL for the root itself. Appends a line per problem to b
 * and returns how many.
 */
static int judge(const char *name, const struct stat *st, uid_t euid, pf_buf *b)
{
    const char *shown = name ? name : "the project root";
    mode_t w = st->st_mode & (S_IWGRP | S_IWOTH);
    int count = 0;

    if (S_ISLNK(st->st_mode)) {
        pf_buf_addf(b,
                    "%s is a symlink: a trusted pack has none; put "
                    "what it points to in its place\n",
                    shown);
        return 1;
    }
    if (st->st_uid != 0 && st->st_uid == euid) {
        pf_buf_addf(b,
                    "%s is owned by uid %u, the user running preflight: "
                    "install the pack owned by root (docs/RUNBOOK.md)\n",
                    shown, (unsigned)st->st_uid);
        count++;
    }
    if (w != 0) {
        pf_buf_addf(b, "%s is writable by %s (mode %04o): ", shown,
                    w == (S_IWGRP | S_IWOTH) ? "group and others"
                    : w == S_IWGRP           ? "group"
                                             : "others",
                    (unsigned)(st->st_mode & 07777));
        if (name)
            pf_buf_addf(b, "chmod go-w %s\n", name);
        else
            pf_buf_adds(b, "run chmod go-w on the project root\n");
        count++;
    }
    return count;
}

/* 0 when rel is a path relative to the root with no empty, "." or ".."
 * component and fits MAX_PATH; else -1 with err. */
static int check_rel(const char *rel, char *err, size_t errlen)
{
    size_t len = strlen(rel);
    const char *p = rel;

    if (len == 0 || len >= MAX_PATH || rel[0] == '/') {
        snprintf(err, errlen, "trust: not a relative path: \"%.200s\"", rel);
        return -1;
    }
    while (*p) {
        size_t c = strcspn(p, "/");

        if (c == 0 || (c == 1 && p[0] == '.') ||
            (c == 2 && p[0] == '.' && p[1] == '.') ||
            (p[c] == '/' && p[c + 1] == '\0')) {
            snprintf(err, errlen, "trust: bad path component in \"%.200s\"",
                     rel);
            return -1;
        }
        p += c + (p[c] == '/');
    }
    return 0;
}

/*
 * Walk rel from rootfd, judging each component not judged before. Stops
 * quietly at a missing component or at one that is not a folder, and
 * after a symlink. Adds the problems to *count; returns 0, or -1 with
 * err when a component cannot be opened or examined, or memory runs out.
 */
static int walk(int rootfd, const char *rel, uid_t euid, seen_set *seen,
                pf_buf *b, int *count, char *err, size_t errlen)
{
    char path[MAX_PATH];
    int dirfd = rootfd, fd = -1, rc = -1;
    size_t start = 0;

    if (check_rel(rel, err, errlen) != 0)
        return -1;
    memcpy(path, rel, strlen(rel) + 1);
    for (;;) {
        size_t end = start + strcspn(path + start, "/");
        char saved = path[end];
        struct stat st;
        int fresh;

        path[end] = '\0';
        fd = openat(dirfd, path + start, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                rc = 0; /* the lock decides what must exist */
                goto cleanup;
            }
            snprintf(err, errlen, "trust: cannot open %s: %s", path,
                     strerror(errno));
            goto cleanup;
        }
        if (fstat(fd, &st) != 0) {
            snprintf(err, errlen, "trust: cannot examine %s: %s", path,
                     strerror(errno));
            goto cleanup;
        }
        fresh = seen_add(seen, path, end);
        if (fresh < 0) {
            snprintf(err, errlen, "trust: out of memory");
            goto cleanup;
        }
        if (fresh)
            *count += judge(path, &st, euid, b);
        path[end] = saved;
        if (saved == '\0' || !S_ISDIR(st.st_mode)) {
            rc = 0;
            goto cleanup;
        }
        if (dirfd != rootfd)
            close(dirfd);
        dirfd = fd;
        fd = -1;
        start = end + 1;
    }
cleanup:
    if (fd >= 0)
        close(fd);
    if (dirfd != rootfd)
        close(dirfd);
    return rc;
}

int pf_trust_check(const char *root, const char *const *relpaths, size_t n,
                   uid_t euid, pf_buf *b, char *err, size_t errlen)
{
    seen_set seen = {NULL, 0, 0};
    struct stat st;
    int rootfd, count = 0, rc = -1;

    rootfd = open(root, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0) {
        snprintf(err, errlen, "trust: cannot open the project root: %s",
                 strerror(errno));
        return -1;
    }
    if (fstat(rootfd, &st) != 0) {
        snprintf(err, errlen, "trust: cannot examine the project root: %s",
                 strerror(errno));
        goto cleanup;
    }
    count = judge(NULL, &st, euid, b);
    if (S_ISLNK(st.st_mode)) {
        rc = count; /* nothing below a symlink is walked */
        goto cleanup;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "trust: the project root is not a folder");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        if (walk(rootfd, relpaths[i], euid, &seen, b, &count, err, errlen) != 0)
            goto cleanup;
    rc = count;
cleanup:
    if (rc >= 0 && b->oom) {
        snprintf(err, errlen, "trust: out of memory");
        rc = -1;
    }
    seen_free(&seen);
    close(rootfd);
    return rc;
}
