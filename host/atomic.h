/*
 * atomic.h: write a whole file or nothing.
 *
 * The data goes to a temporary file in the target's folder, which is
 * fsynced, closed and renamed over the target; then the folder is fsynced.
 * On any failure the temporary file is removed and the target is left as it
 * was, so a reader never sees a partial file. An existing target that is
 * not a regular file (a device, a folder, a symlink) is never replaced.
 * Only if the last step, the fsync of the folder, fails is the new file
 * already in place when -1 is returned (its durability is then unknown).
 */
#ifndef PF_ATOMIC_H
#define PF_ATOMIC_H

#include <stddef.h>

#include "buf.h"

/*
 * Returns 0 on success. On failure returns -1 and writes a one-line
 * message naming the step and the OS error into err (errlen bytes).
 * mode is the permission of the new file (for example 0644).
 */
int pf_atomic_write(const char *path, const char *data, size_t len,
                    unsigned mode, char *err, size_t errlen);

/*
 * Write the text a writer built in b (mode 0644) and free b either way
 * (takes ownership of its memory). When b ran out of memory nothing is
 * written and oom_msg is the message. Returns 0 or -1 like
 * pf_atomic_write.
 */
int pf_atomic_write_buf(const char *path, pf_buf *b, const char *oom_msg,
                        char *err, size_t errlen);

#endif
