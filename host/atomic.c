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

int pf_atomic_write(const char *path, const char *data, size_t len,
                    unsigned mode, char *err, size_t errlen)
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
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file, refusing to replace it: "
                              "%s", path);
        return -1;
    }
    dir_of(path, dir, sizeof dir);
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
    if (rename(tmp, path) != 0) {
        step = "rename";
        goto fail;
    }
    tmp_made = 0;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        step = "fsync folder";
        goto fail;
    }
    rc = 0;
    goto cleanup;

fail:
    saved = errno;
    snprintf(err, errlen, "%s failed: %s: %s", step, strerror(saved), path);
cleanup:
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    if (tmp_made)
        unlink(tmp);
    return rc;
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
