/*
 * verdict.h: what counts as a pass, decided in plain C.
 *
 * The run passes iff at least one check passed, no check failed or erred,
 * no required (manifest) check skipped, every manifest id was present and
 * passed, and no id was duplicated (DESIGN 3.1, 8.1). This file also
 * parses the manifest. No Lua, no I/O.
 */
#ifndef PF_VERDICT_H
#define PF_VERDICT_H

#include <stddef.h>

#include "result.h"

typedef enum {
    PF_VERDICT_PASS,
    PF_VERDICT_FAIL,    /* a check did not pass: exit 1 */
    PF_VERDICT_ERROR,   /* could not evaluate: exit 2 */
    PF_VERDICT_REFUSED  /* arming gate or kill switch: exit 3 */
} pf_verdict_kind;

#define PF_EXIT_PASS 0
#define PF_EXIT_FAIL 1
#define PF_EXIT_ERROR 2
#define PF_EXIT_REFUSED 3

typedef struct pf_verdict {
    pf_verdict_kind kind;
    int exit_code;
    size_t total;        /* checks that ran: passed + failed + errored +
                          * skipped (not-selected ones are not counted) */
    size_t passed, failed, errored, skipped;
    size_t not_selected; /* left out by --tag */
    char **problems; /* run-level reasons, owned */
    size_t nproblems;
} pf_verdict;

const char *pf_verdict_name(pf_verdict_kind k);
void pf_verdict_free(pf_verdict *v); /* accepts NULL */
/* Append a run-level problem (printf format). Returns 0 or -1. */
int pf_verdict_problem(pf_verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Compute the verdict over checks[0..n). Checks whose id appears more than
 * once are turned into contract errors (all of them). Not-selected checks
 * do not count, but a not-selected manifest id is reported missing. A
 * skip of a manifest id is marked required (reason PF_REASON_REQUIRED,
 * message "required check skipped: ..." ) and fails the run; any other
 * skip does not, but a run where no check passed does not pass. Zero
 * checks that ran is an error. Returns 0, or -1 when out of memory (then
 * v says error).
 */
int pf_verdict_compute(pf_check *checks, size_t n, char *const *manifest,
                       size_t nmanifest, pf_verdict *v);

/*
 * Tag selection (--tag), run policy decided by the parent: a check is
 * selected when no tag filter is given, when its id is a manifest id (a
 * manifest id always runs), or when one of its tags is a filter. The
 * worker applies the parent's selection to skip a check without running
 * it, and the parent accepts "not-selected" from a worker only where
 * pf_selected says so. The struct borrows tags and manifest; init keeps a
 * sorted copy of the manifest's pointers so that n checks against m ids
 * cost O((n + m) log m) (without it, a linear scan).
 */
typedef struct pf_selection {
    char *const *tags; /* the filters; none: every check is selected */
    size_t ntags;
    char *const *manifest;
    size_t nmanifest;
    char **sorted; /* manifest pointers sorted, or NULL */
} pf_selection;

void pf_selection_init(pf_selection *s, char *const *tags, size_t ntags,
                       char *const *manifest, size_t nmanifest);
void pf_selection_free(pf_selection *s);
/* 1 when the check with this id and these tags is selected, else 0 (an id
 * of NULL is never a manifest id). */
int pf_selected(const pf_selection *s, const char *id, char *const *tags,
                size_t ntags);

/*
 * Parse a manifest: one id a line, blank lines and lines starting with '#'
 * (after optional spaces) ignored, surrounding spaces trimmed. Any other
 * line must be a valid id, listed once. Returns 0 and appends the ids to
 * *ids / *n (owned by the caller), or -1 with a message naming the line.
 */
int pf_manifest_parse(const char *text, size_t len, char ***ids, size_t *n,
                      char *err, size_t errlen);

#endif
