/*
 * atomic.h: write a whole file or nothing, and read a file without ever
 * blocking on it.
 *
 * The data goes to a temporary file in the target's folder, which is
 * fsynced, closed and renamed over the target; then the folder is fsynced.
 * The folder is opened before anything is written, so a folder that cannot
 * be fsynced refuses the write with the target untouched. On any failure
 * the temporary file is removed and the target is left as it was, so a
 * reader never sees a partial file. An existing target that is not a
 * regular file (a device, a folder, a symlink) is never replaced. Only if
 * the last step, the fsync of the folder, fails is the new file already in
 * place: then PF_ATOMIC_IN_PLACE is returned (its durability is unknown),
 * and a caller whose file must not outlive the failure rewrites or removes
 * it.
 *
 * Every file preflight reads goes through pf_open_regular: O_NONBLOCK (a
 * FIFO cannot hang the open), O_NOCTTY, O_CLOEXEC, and refused unless
 * fstat says it is a regular file.
 */
#ifndef PF_ATOMIC_H
#define PF_ATOMIC_H

#include <stddef.h>

#include "buf.h"

#define PF_ATOMIC_IN_PLACE (-2) /* written and renamed; folder fsync failed */

/*
 * Returns 0 on success. On failure returns -1 (target unchanged) or
 * PF_ATOMIC_IN_PLACE and writes a one-line
 * message naming the step and the OS error into err (errlen bytes).
 * mode is the permission of the new file (for example 0644).
 */
int pf_atomic_write(const char *path, const char *data, size_t len,
                    unsigned mode, char *err, size_t errlen);

/*
 * As pf_atomic_write, but never replaces: the fully written, fsynced
 * temporary file is linked to path, which fails (-1, errno EEXIST) when
 * path exists, whatever it is. Of racing creators exactly one wins.
 */
int pf_atomic_create(const char *path, const char *data, size_t len,
                     unsigned mode, char *err, size_t errlen);

/*
 * Open path for reading without blocking (O_RDONLY | O_NONBLOCK |
 * O_NOCTTY | O_CLOEXEC | flags, e.g. O_NOFOLLOW) and refuse anything but a
 * regular file. Returns the fd, or -1 with errno set (EINVAL for a file
 * that is not regular) and a one-line message naming path in err.
 */
int pf_open_regular(const char *path, int flags, char *err, size_t errlen);

/*
 * Read a whole regular file (pf_open_regular) of at most max bytes into a
 * new NUL-terminated buffer (*out, caller frees; *outlen bytes). Returns 0,
 * -1 with err set, or -2 when the file is larger than max.
 */
int pf_read_regular(const char *path, int flags, size_t max, char **out,
                    size_t *outlen, char *err, size_t errlen);

/*
 * Create the missing folders above path (its last component is a file
 * name and is not created), each with mode. An existing component must be
 * a folder. Returns 0, or -1 with err set.
 */
int pf_mkdirs(const char *path, unsigned mode, char *err, size_t errlen);

/*
 * Write the text a writer built in b (mode 0644) and free b either way
 * (takes ownership of its memory). When b ran out of memory nothing is
 * written and oom_msg is the message. Returns 0, -1 or PF_ATOMIC_IN_PLACE
 * like pf_atomic_write.
 */
int pf_atomic_write_buf(const char *path, pf_buf *b, const char *oom_msg,
                        char *err, size_t errlen);

#endif
