/*
 * trust.h: the trust roots of a pack (DESIGN.md 8.4), sshd's StrictModes
 * turned to face the user running preflight: in live, every file that
 * makes up a pack and every folder that holds one, up to and including
 * the project root (not above it), must be owned by root or by a user
 * other than the one running preflight, writable by neither group nor
 * others, and not a symlink. A user who can change the pack can change
 * who approves it.
 */
#ifndef PF_TRUST_H
#define PF_TRUST_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/*
 * Examine root (already resolved with realpath) and, for each of the n
 * paths relpaths[] (relative to root, as in a pf_lock: no leading "/",
 * no "." or ".." or empty component), every folder on the way and the
 * file itself, each once however many paths share it. Nothing follows a
 * symlink (each component is opened O_PATH|O_NOFOLLOW from its parent's
 * descriptor); a symlink is a problem and ends that path's walk. A path
 * that does not exist (or runs through a non-folder) is not a problem:
 * the lock decides what must exist. euid is the user running preflight
 * (passed in, so tests can play another user).
 *
 * Appends one problem a line to b, each naming the path relative to
 * root ("the project root" for root itself) and the fix, e.g.
 *   "checks/policy is writable by group (mode 0664): chmod go-w checks/policy"
 * Returns the number of problems (0: trusted), or -1 with err set when
 * a path is malformed or cannot be examined, or memory runs out; -1 must
 * be treated as a refusal too.
 */
int pf_trust_check(const char *root, const char *const *relpaths, size_t n,
                   uid_t euid, pf_buf *b, char *err, size_t errlen);

#endif
