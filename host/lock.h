/*
 * lock.h: the pack lock (DESIGN.md 8.2): which files make up a pack,
 * their SHA-256 digests, the text of PATH/preflight.lock, and how a lock
 * and a pack differ.
 *
 * A lock line is "<64 lowercase hex>  <path>\n", the path relative to the
 * project root; lines are sorted bytewise with no duplicates. The pack is
 * every *.lua of the checks folder (not recursive, no dot files, as
 * discovery runs them), its manifest, approvers and policy when present,
 * and every *.lua below the Lua library folder. The pack digest is the
 * SHA-256 of the lock file's bytes.
 */
#ifndef PF_LOCK_H
#define PF_LOCK_H

#include <stddef.h>

#include "buf.h"

#define PF_LOCK_FILE "preflight.lock"
#define PF_LOCK_MAX_FILES 4096
#define PF_LOCK_MAX_BYTES (4L << 20)   /* the lock file itself */
#define PF_LOCK_MAX_FILE (1L << 20)    /* one locked file, as a check file */

typedef struct pf_lock_entry {
    char *path;       /* relative to the project root, owned */
    char sha256[65];
} pf_lock_entry;

typedef struct pf_lock {
    pf_lock_entry *e; /* sorted by path, bytewise */
    size_t n;
} pf_lock;

void pf_lock_free(pf_lock *l); /* accepts NULL; leaves l empty */

/*
 * Hash the pack: checks_dir and lib_dir (lib_dir may be NULL) must lie
 * inside root (all three already resolved with realpath). Every file is
 * opened without following a symlink and without blocking, and must be a
 * regular file of at most PF_LOCK_MAX_FILE bytes; a symlink anywhere in
 * the pack is refused. Returns 0 and fills *out (sorted), or -1 with a
 * message naming the path.
 */
int pf_lock_collect(const char *root, const char *checks_dir,
                    const char *lib_dir, pf_lock *out, char *err,
                    size_t errlen);

/*
 * Insert an entry (path copied) into the sorted l, keeping it sorted; a
 * path already there is left as it is. Returns 0, or -1 (out of memory,
 * too many files).
 */
int pf_lock_insert(pf_lock *l, const char *path, const char sha256[65]);

/* The entry of path in the sorted l, or NULL. */
const pf_lock_entry *pf_lock_find(const pf_lock *l, const char *path);

/* Append the lock file's text for l to b. */
void pf_lock_text(const pf_lock *l, pf_buf *b);

/*
 * Parse a lock file's text strictly (the format above; no CR, no blank
 * line, no comment, no absolute path, no "." or ".." component, no
 * control byte, sorted and unique). Returns 0 and fills *out, or -1 with
 * "line N: why" in err.
 */
int pf_lock_parse(const char *text, size_t len, pf_lock *out, char *err,
                  size_t errlen);

/*
 * The differences between a lock (want) and a pack (have), one line each
 * into b: "changed PATH", "missing PATH" (locked, not in the pack),
 * "unlocked PATH" (in the pack, not locked), sorted by path. Returns how
 * many there are; 0 means the lock matches.
 */
size_t pf_lock_diff(const pf_lock *want, const pf_lock *have, pf_buf *b);

/*
 * Read and parse the lock file at path (regular file, not a symlink,
 * opened without blocking). Returns 0 and fills *out (and digest, the
 * pack digest: SHA-256 of the file's bytes, when not NULL), 1 when there
 * is no lock file, or -1 with a message naming the file (and line).
 */
int pf_lock_load(const char *path, pf_lock *out, char digest[65], char *err,
                 size_t errlen);

#endif
