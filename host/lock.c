/*
 * lock.c: hash a pack, write and parse its lock, list differences (see
 * lock.h).
 */
#define _GNU_SOURCE
#include "lock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256.h"

#define MAX_DEPTH 16
#define MAX_PATH 4096

void pf_lock_free(pf_lock *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].path);
    free(l->e);
    l->e = NULL;
    l->n = 0;
}

/* Append one entry (path copied). Returns 0 or -1 (out of memory, or too
 * many files) with err set. */
static int add(pf_lock *l, const char *path, const char *hex, char *err,
               size_t errlen)
{
    pf_lock_entry *e;

    if (l->n >= PF_LOCK_MAX_FILES) {
        snprintf(err, errlen, "more than %d files in the pack",
                 PF_LOCK_MAX_FILES);
        return -1;
    }
    e = realloc(l->e, (l->n + 1) * sizeof *e);
    if (e == NULL)
        goto oom;
    l->e = e;
    if ((e[l->n].path = strdup(path)) == NULL)
        goto oom;
    memcpy(e[l->n].sha256, hex, 65);
    l->n++;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/*
 * Read the regular file name in folder dfd (AT_FDCWD: name is a path) into
 * *data (malloc'd, caller frees) and *len. Never follows a symlink at the
 * last component, never blocks on a FIFO or device, never reads more than
 * cap bytes. Returns 0, 1 when it does not exist, or -1 with why set.
 */
static int slurp_at(int dfd, const char *name, long cap, char **data,
                    size_t *len, char *why, size_t whylen)
{
    struct stat st;
    ssize_t r;
    int fd, rc = -1;

    *data = NULL;
    *len = 0;
    fd = openat(dfd, name,
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(why, whylen, "%s",
                 errno == ELOOP ? "is a symbolic link (a locked file must be "
                                  "the file itself)"
                                : strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "is not a regular file");
        goto cleanup;
    }
    if (st.st_size > cap) {
        snprintf(why, whylen, "is larger than %ld bytes", cap);
        goto cleanup;
    }
    if ((*data = malloc((size_t)st.st_size + 1)) == NULL) {
        snprintf(why, whylen, "out of memory");
        goto cleanup;
    }
    /* read to EOF, never past the size seen: the file may grow meanwhile */
    while ((r = read(fd, *data + *len, (size_t)st.st_size + 1 - *len)) > 0) {
        *len += (size_t)r;
        if (*len > (size_t)st.st_size) {
            snprintf(why, whylen, "changed while it was read");
            goto cleanup;
        }
    }
    if (r < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc != 0) {
        free(*data);
        *data = NULL;
    }
    close(fd);
    return rc;
}

/* Hash the file name in folder dfd (rel names it in messages). Returns 0,
 * 1 when it does not exist and missing_ok, or -1 with err set. */
static int hash_at(int dfd, const char *name, const char *rel, int missing_ok,
                   char hex[65], char *err, size_t errlen)
{
    char why[200], *data;
    size_t len;
    int rc = slurp_at(dfd, name, PF_LOCK_MAX_FILE, &data, &len, why,
                      sizeof why);

    if (rc == 1 && !missing_ok) {
        snprintf(why, sizeof why, "%s", strerror(ENOENT));
        rc = -1;
    }
    if (rc < 0)
        snprintf(err, errlen, "%s %s", rel, why);
    if (rc != 0)
        return rc;
    pf_sha256_hex(data, len, hex);
    free(data);
    return 0;
}

static int path_ok(const char *p, size_t n);

static int ends_with_lua(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && strcmp(name + n - 4, ".lua") == 0;
}

/*
 * Hash the *.lua files of the open folder dfd (rel: its path relative to
 * the root, "" for the root itself); with depth >= 0 recurse into
 * subfolders (lib/), else not (the checks folder, whose dot files
 * discovery skips). Takes ownership of dfd. Returns 0 or -1.
 */
static int walk(int dfd, const char *rel, int depth, pf_lock *l, char *err,
                size_t errlen)
{
    DIR *d = fdopendir(dfd);
    struct dirent *e;
    char path[MAX_PATH], hex[65];
    int rc = 0;

    if (d == NULL) {
        snprintf(err, errlen, "%s: %s", rel[0] ? rel : ".", strerror(errno));
        close(dfd);
        return -1;
    }
    while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (depth < 0 && e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s%s%s", rel,
                             rel[0] ? "/" : "", e->d_name) >= sizeof path) {
            snprintf(err, errlen, "a path in %s is too long", rel);
            rc = -1;
            break;
        }
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        } else if (S_ISLNK(st.st_mode) && (depth >= 0 ||
                                           ends_with_lua(e->d_name))) {
            snprintf(err, errlen, "%s is a symbolic link (a locked file must "
                                  "be the file itself)", path);
            rc = -1;
        } else if (((S_ISDIR(st.st_mode) && depth >= 0) ||
                    ends_with_lua(e->d_name)) &&
                   !path_ok(path, strlen(path))) {
            snprintf(err, errlen, "%s: a name a lock cannot hold (a control "
                                  "byte or a leading space)", rel[0] ? rel : ".");
            rc = -1;
        } else if (S_ISDIR(st.st_mode) && depth >= 0) {
            int sub;
            if (depth >= MAX_DEPTH) {
                snprintf(err, errlen, "%s: folders nested deeper than %d",
                         path, MAX_DEPTH);
                rc = -1;
                break;
            }
            sub = openat(dirfd(d), e->d_name,
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                snprintf(err, errlen, "%s: %s", path, strerror(errno));
                rc = -1;
            } else {
                rc = walk(sub, path, depth + 1, l, err, errlen);
            }
        } else if (ends_with_lua(e->d_name)) {
            rc = hash_at(dirfd(d), e->d_name, path, 0, hex, err, errlen);
            if (rc == 0)
                rc = add(l, path, hex, err, errlen);
        }
    }
    if (rc == 0 && errno != 0) {
        snprintf(err, errlen, "%s: %s", rel[0] ? rel : ".", strerror(errno));
        rc = -1;
    }
    closedir(d);
    return rc;
}

/* The part of abs below root ("" for root itself), or NULL when abs is
 * not inside root. */
static const char *below(const char *root, const char *abs)
{
    size_t n = strlen(root);

    if (strcmp(root, "/") == 0)
        return abs + 1;
    if (strncmp(abs, root, n) != 0)
        return NULL;
    if (abs[n] == '\0')
        return abs + n;
    return abs[n] == '/' ? abs + n + 1 : NULL;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const pf_lock_entry *)a)->path,
                  ((const pf_lock_entry *)b)->path);
}

int pf_lock_collect(const char *root, const char *checks_dir,
                    const char *lib_dir, pf_lock *out, char *err,
                    size_t errlen)
{
    static const char *const pack_files[] = {"manifest", "approvers",
                                             "policy"};
    const char *crel = below(root, checks_dir);
    const char *lrel = lib_dir ? below(root, lib_dir) : NULL;
    char path[MAX_PATH], hex[65];
    int dfd = -1, rc;

    memset(out, 0, sizeof *out);
    if (crel == NULL) {
        snprintf(err, errlen, "the checks folder %s is not inside the "
                              "project root %s", checks_dir, root);
        return -1;
    }
    if (lib_dir != NULL && lrel == NULL) {
        snprintf(err, errlen, "the Lua library folder %s is not inside the "
                              "project root %s (a locked pack cannot use an "
                              "installed copy)", lib_dir, root);
        return -1;
    }
    dfd = open(checks_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, errlen, "%s: %s", checks_dir, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof pack_files / sizeof pack_files[0]; i++) {
        snprintf(path, sizeof path, "%s%s%s", crel, crel[0] ? "/" : "",
                 pack_files[i]);
        rc = hash_at(dfd, pack_files[i], path, 1, hex, err, errlen);
        if (rc == 0)
            rc = add(out, path, hex, err, errlen);
        if (rc < 0) {
            close(dfd);
            goto fail;
        }
    }
    if (walk(dfd, crel, -1, out, err, errlen) != 0) /* takes dfd */
        goto fail;
    if (lib_dir != NULL) {
        dfd = open(lib_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
            snprintf(err, errlen, "%s: %s", lib_dir, strerror(errno));
            goto fail;
        }
        if (walk(dfd, lrel, 0, out, err, errlen) != 0)
            goto fail;
    }
    if (out->n > 0)
        qsort(out->e, out->n, sizeof *out->e, by_path);
    for (size_t i = 1; i < out->n; i++) {
        if (strcmp(out->e[i - 1].path, out->e[i].path) == 0) {
            snprintf(err, errlen, "%s is in the pack twice (the library "
                                  "folder overlaps the checks folder)",
                     out->e[i].path);
            goto fail;
        }
    }
    return 0;
fail:
    pf_lock_free(out);
    return -1;
}

/* Where path is, or would go, in the sorted l; *found set. */
static size_t lock_index(const pf_lock *l, const char *path, int *found)
{
    size_t lo = 0, hi = l->n;

    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(l->e[mid].path, path);
        if (r == 0) {
            *found = 1;
            return mid;
        }
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const pf_lock_entry *pf_lock_find(const pf_lock *l, const char *path)
{
    int found;
    size_t at = lock_index(l, path, &found);

    return found ? &l->e[at] : NULL;
}

int pf_lock_insert(pf_lock *l, const char *path, const char sha256[65])
{
    char err[80];
    pf_lock_entry e;
    int found;
    size_t at = lock_index(l, path, &found);

    if (found)
        return 0;
    if (add(l, path, sha256, err, sizeof err) != 0)
        return -1;
    e = l->e[l->n - 1]; /* appended: move it to its place */
    memmove(&l->e[at + 1], &l->e[at], (l->n - 1 - at) * sizeof e);
    l->e[at] = e;
    return 0;
}

void pf_lock_text(const pf_lock *l, pf_buf *b)
{
    for (size_t i = 0; i < l->n; i++)
        pf_buf_addf(b, "%s  %s\n", l->e[i].sha256, l->e[i].path);
}

/* A relative path of plain components: no control byte or DEL, no
 * leading space (it would read as part of the separator), no leading or
 * trailing '/', no empty, "." or ".." component. */
static int path_ok(const char *p, size_t n)
{
    size_t start = 0;

    if (n == 0 || n >= MAX_PATH || p[0] == '/' || p[0] == ' ' ||
        p[n - 1] == '/')
        return 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && ((unsigned char)p[i] < 0x20 || p[i] == 0x7f))
            return 0;
        if (i == n || p[i] == '/') {
            size_t c = i - start;
            if (c == 0 || (c == 1 && p[start] == '.') ||
                (c == 2 && p[start] == '.' && p[start + 1] == '.'))
                return 0;
            start = i + 1;
        }
    }
    return 1;
}

int pf_lock_parse(const char *text, size_t len, pf_lock *out, char *err,
                  size_t errlen)
{
    size_t at = 0, line = 0;
    char path[MAX_PATH];

    memset(out, 0, sizeof *out);
    if (len > (size_t)PF_LOCK_MAX_BYTES) {
        snprintf(err, errlen, "larger than %ld bytes", PF_LOCK_MAX_BYTES);
        return -1;
    }
    while (at < len) {
        const char *s = text + at, *nl = memchr(s, '\n', len - at);
        size_t n, i;

        line++;
        if (nl == NULL) {
            snprintf(err, errlen, "line %zu: no newline at the end (the file "
                                  "is cut short)", line);
            goto fail;
        }
        n = (size_t)(nl - s);
        at += n + 1;
        if (n < 67 || s[64] != ' ' || s[65] != ' ') {
            snprintf(err, errlen, "line %zu: want \"<sha256>  <path>\"", line);
            goto fail;
        }
        for (i = 0; i < 64; i++) {
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
                snprintf(err, errlen, "line %zu: the digest is not 64 "
                                      "lowercase hex digits", line);
                goto fail;
            }
        }
        if (memchr(s + 66, '\0', n - 66) != NULL || !path_ok(s + 66, n - 66)) {
            snprintf(err, errlen, "line %zu: the path is not a plain relative "
                                  "path (control byte, CR, leading space, '/' at an end, "
                                  "'.', '..' or an empty component)", line);
            goto fail;
        }
        memcpy(path, s + 66, n - 66);
        path[n - 66] = '\0';
        if (out->n > 0 && strcmp(out->e[out->n - 1].path, path) >= 0) {
            snprintf(err, errlen, "line %zu: %s is %s", line, path,
                     strcmp(out->e[out->n - 1].path, path) == 0
                         ? "listed twice"
                         : "out of order (lines are sorted by path)");
            goto fail;
        }
        {
            char hex[65];
            memcpy(hex, s, 64);
            hex[64] = '\0';
            if (add(out, path, hex, err, errlen) != 0)
                goto fail;
        }
    }
    return 0;
fail:
    pf_lock_free(out);
    return -1;
}

size_t pf_lock_diff(const pf_lock *want, const pf_lock *have, pf_buf *b)
{
    size_t i = 0, j = 0, n = 0;

    while (i < want->n || j < have->n) {
        int c = i == want->n   ? 1
                : j == have->n ? -1
                               : strcmp(want->e[i].path, have->e[j].path);
        if (c < 0) {
            pf_buf_addf(b, "missing %s\n", want->e[i++].path);
        } else if (c > 0) {
            pf_buf_addf(b, "unlocked %s\n", have->e[j++].path);
        } else {
            if (strcmp(want->e[i].sha256, have->e[j].sha256) != 0)
                pf_buf_addf(b, "changed %s\n", want->e[i].path);
            else
                n--; /* counted below: not a difference */
            i++;
            j++;
        }
        n++;
    }
    return n;
}

int pf_lock_load(const char *path, pf_lock *out, char digest[65], char *err,
                 size_t errlen)
{
    char why[400], *data;
    size_t len;
    int rc;

    memset(out, 0, sizeof *out);
    rc = slurp_at(AT_FDCWD, path, PF_LOCK_MAX_BYTES, &data, &len, why,
                  sizeof why);
    if (rc < 0)
        snprintf(err, errlen, "%s %s", path, why);
    if (rc != 0)
        return rc;
    rc = pf_lock_parse(data, len, out, why, sizeof why);
    if (rc != 0)
        snprintf(err, errlen, "%s: %s", path, why);
    else if (digest != NULL)
        pf_sha256_hex(data, len, digest);
    free(data);
    return rc;
}
