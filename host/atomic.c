/*
 * atomic.c: write a whole file or nothing (see atomic.h).
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Folder part of path, in out (outlen bytes). */
static void dir_of(const char *path, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        snprintf(out, outlen, ".");
    else if (slash == path)
        snprintf(out, outlen, "/");
    else
        snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

/*
 * The write behind pf_atomic_write (noreplace 0: rename over the target)
 * and pf_atomic_create (noreplace 1: link, which fails with EEXIST when
 * the target exists, so of racing creators exactly one wins). The folder
 * is opened before anything is written: a folder that cannot be fsynced
 * (writable but not readable, say) refuses the write while the target is
 * still as it was, instead of failing after the new file is in place.
 */
static int write_file(const char *path, const char *data, size_t len,
                      unsigned mode, int noreplace, char *err, size_t errlen)
{
    char dir[4096], tmp[4200];
    const char *step = NULL;
    int fd = -1, dfd = -1, saved = 0, rc = -1, tmp_made = 0;
    size_t off = 0;

    struct stat st;

    if (strlen(path) >= sizeof dir) {
        snprintf(err, errlen, "path too long (%zu bytes)", strlen(path));
        return -1;
    }
    /* replace only a regular file: never a device, folder or symlink */
    if (!noreplace && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file, refusing to replace it: "
                              "%s", path);
        return -1;
    }
    dir_of(path, dir, sizeof dir);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        step = "open folder"; /* nothing written yet */
        goto fail;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        step = "create temporary file";
        goto fail;
    }
    tmp_made = 1;
    if (fchmod(fd, (mode_t)mode) != 0) {
        step = "chmod";
        goto fail;
    }
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            step = "write";
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        step = "fsync";
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        step = "close";
        goto fail;
    }
    fd = -1;
    if (noreplace) {
        if (link(tmp, path) != 0) {
            step = "create";
            goto fail;
        }
        unlink(tmp); /* the name that stays is path */
    } else if (rename(tmp, path) != 0) {
        step = "rename";
        goto fail;
    }
    tmp_made = 0;
    if (fsync(dfd) != 0) {
        saved = errno;
        snprintf(err, errlen, "fsync folder failed: %s: %s", strerror(saved),
                 path);
        rc = PF_ATOMIC_IN_PLACE;
        errno = saved;
        goto cleanup;
    }
    rc = 0;
    goto cleanup;

fail:
    saved = errno;
    snprintf(err, errlen, "%s failed: %s: %s", step, strerror(saved), path);
cleanup:
    if (fd >= 0)
        close(fd);
    if (tmp_made)
        unlink(tmp);
    if (dfd >= 0)
        close(dfd);
    if (rc == -1)
        errno = saved;
    return rc;
}

int pf_atomic_write(const char *path, const char *data, size_t len,
                    unsigned mode, char *err, size_t errlen)
{
    return write_file(path, data, len, mode, 0, err, errlen);
}

int pf_atomic_create(const char *path, const char *data, size_t len,
                     unsigned mode, char *err, size_t errlen)
{
    return write_file(path, data, len, mode, 1, err, errlen);
}

int pf_atomic_write_buf(const char *path, pf_buf *b, const char *oom_msg,
                        char *err, size_t errlen)
{
    int rc = -1;

    if (b->oom)
        snprintf(err, errlen, "%s", oom_msg);
    else
        rc = pf_atomic_write(path, b->data, b->len, 0644, err, errlen);
    pf_buf_free(b);
    return rc;
}

int pf_open_regular(const char *path, int flags, char *err, size_t errlen)
{
    struct stat st;
    int fd, saved;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags);
    if (fd < 0) {
        saved = errno;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(saved));
        errno = saved;
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        saved = errno;
        snprintf(err, errlen, "cannot stat %s: %s", path, strerror(saved));
        close(fd);
        errno = saved;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a regular file (%s); refusing to "
                              "read it", path,
                 S_ISFIFO(st.st_mode)   ? "a FIFO"
                 : S_ISDIR(st.st_mode)  ? "a folder"
                 : S_ISCHR(st.st_mode)  ? "a character device"
                 : S_ISBLK(st.st_mode)  ? "a block device"
                 : S_ISSOCK(st.st_mode) ? "a socket"
                                        : "not a file");
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

int pf_read_regular(const char *path, int flags, size_t max, char **out,
                    size_t *outlen, char *err, size_t errlen)
{
    int fd = pf_open_regular(path, flags, err, errlen), rc = -1, saved;
    char *buf = NULL, *grown;
    size_t total = 0, cap = 0;

    *out = NULL;
    *outlen = 0;
    if (fd < 0)
        return -1;
    for (;;) {
        ssize_t r;
        if (total + 1 >= cap) {
            cap = cap ? 2 * cap : 4096;
            if (cap > max + 2)
                cap = max + 2;
            grown = realloc(buf, cap);
            if (grown == NULL) {
                snprintf(err, errlen, "out of memory reading %s", path);
                goto cleanup;
            }
            buf = grown;
        }
        r = read(fd, buf + total, cap - 1 - total);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            saved = errno;
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(saved));
            goto cleanup;
        }
        if (r == 0)
            break;
        total += (size_t)r;
        if (total > max) {
            snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
            rc = -2;
            goto cleanup;
        }
    }
    buf[total] = '\0';
    *out = buf;
    *outlen = total;
    buf = NULL;
    rc = 0;
cleanup:
    free(buf);
    close(fd);
    return rc;
}

int pf_mkdirs(const char *path, unsigned mode, char *err, size_t errlen)
{
    char dir[4096];
    size_t i, n;
    struct stat st;

    dir_of(path, dir, sizeof dir);
    n = strlen(dir);
    if (n >= sizeof dir - 1) {
        snprintf(err, errlen, "path too long: %s", path);
        return -1;
    }
    for (i = 1; i <= n; i++) {
        char keep;
        if (dir[i] != '/' && dir[i] != '\0')
            continue;
        keep = dir[i];
        dir[i] = '\0';
        if (mkdir(dir, (mode_t)mode) != 0) {
            int saved = errno;
            /* an existing component must be a folder (or a link to one) */
            if (saved != EEXIST || stat(dir, &st) != 0 ||
                !S_ISDIR(st.st_mode)) {
                snprintf(err, errlen, "cannot create folder %s: %s", dir,
                         saved == EEXIST ? "exists and is not a folder"
                                         : strerror(saved));
                return -1;
            }
        }
        dir[i] = keep;
    }
    return 0;
}
