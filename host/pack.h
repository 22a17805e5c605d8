/*
 * pack.h: the pack a command acts on (DESIGN.md 8.2-8.5): its checks
 * folder, project root and Lua library folder, its policy, the state of
 * its lock and its approvers. Gathered once, in the parent, before any
 * check runs; the decisions on it are outcome.c's.
 */
#ifndef PF_PACK_H
#define PF_PACK_H

#include <limits.h>
#include <stddef.h>

#include "approval.h"
#include "buf.h"
#include "lock.h"
#include "policy.h"

typedef enum {
    PF_LOCKST_NONE,  /* no preflight.lock */
    PF_LOCKST_MATCH, /* the lock matches the files */
    PF_LOCKST_DIFF,  /* it does not: differences listed */
    PF_LOCKST_BAD    /* the pack or the lock cannot be read: lock_err */
} pf_lock_state;

typedef struct pf_pack {
    char dir[PATH_MAX];  /* the checks folder, resolved */
    char root[PATH_MAX]; /* --root, else the checks folder's parent */
    char lib[PATH_MAX];  /* --lib, else ROOT/lib; "" when none */
    int has_policy;
    pf_policy policy;    /* defaults filled in */
    char kill_switch[PATH_MAX]; /* policy or default, against root */
    char audit[PATH_MAX];
    int audit_set;       /* the policy names an audit log */
    pf_lock_state lock_state;
    char digest[65];     /* the pack digest when there is a lock */
    pf_lock files;       /* the pack as it is on disk (when readable) */
    int files_ok;        /* files were read (else lock_err says why) */
    pf_buf diffs;        /* "changed PATH\n" ... */
    size_t ndiffs;
    char lock_err[PATH_MAX + 700];
    int approvers_state; /* 0 none, 1 parsed, -1 unreadable or malformed */
    pf_approvers approvers;
    char approvers_err[PATH_MAX + 700];
} pf_pack;

/*
 * Gather the pack of the checks folder path (root_opt / lib_opt: --root
 * and --lib, may be NULL). Fills *p (free with pf_pack_free). Returns 0,
 * or -1 with err set when the folder cannot be resolved or its policy is
 * unreadable or malformed (an error of the run, exit 2, in any mode).
 * An unreadable lock or approvers file is recorded in *p, not an error
 * here: the gate refuses on it in live.
 */
int pf_pack_open(pf_pack *p, const char *path, const char *root_opt,
                 const char *lib_opt, char *err, size_t errlen);

/* The same; with need_files 0 a pack without a lock is not hashed (files
 * stays empty): for a run whose report shows no pack. */
int pf_pack_open_for(pf_pack *p, const char *path, const char *root_opt,
                     const char *lib_opt, int need_files, char *err,
                     size_t errlen);

void pf_pack_free(pf_pack *p); /* accepts NULL */

/*
 * The project root of a run (DESIGN.md 2, 6, 8): root_opt (--root)
 * resolved, else the parent of the checks folder of path (path itself
 * when it is a folder, the folder a check file is in otherwise), after
 * realpath, so a symlinked checks folder is followed first. The one rule
 * for lib/, fixtures/, the kill switch, the evidence folder, the audit
 * log and fs confinement; the working directory plays no part. dir (may
 * be NULL) receives the resolved checks folder. Returns 0, or -1 with err
 * naming the path.
 */
int pf_project_root(const char *path, const char *root_opt,
                    char root[PATH_MAX], char dir[PATH_MAX], char *err,
                    size_t errlen);

/* A path from the policy (or a default) resolved against the root: an
 * absolute path is kept, a relative one is joined to root. */
void pf_pack_path(const pf_pack *p, const char *path, char *out,
                  size_t outlen);

#endif
