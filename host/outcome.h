/*
 * outcome.h: every arming and exit rule of run, arm and exec, decided in
 * one pure function over plain structs.
 *
 * main.c gathers the facts (the environment through the arming gate, the
 * options, the pack, the kill switch, the verdict of the checks) into a
 * pf_outcome_input and asks pf_outcome_decide twice: before the checks
 * (may they run, and every reason why not) and after them (arm state,
 * reasons, verdict kind, exit code, may COMMAND start). No Lua, no I/O, no
 * clock: tests/test_outcome.c holds one table row per rule.
 *
 * Where to add an arming rule: a field in pf_outcome_input for the fact,
 * one rule in outcome.c, one row in tests/test_outcome.c.
 */
#ifndef PF_OUTCOME_H
#define PF_OUTCOME_H

#include <stddef.h>

#include "arming.h"
#include "verdict.h"

#define PF_OUTCOME_MAX_REASONS (PF_ARM_MAX_REASONS + 4)

typedef enum { PF_OC_RUN, PF_OC_ARM, PF_OC_EXEC } pf_oc_cmd;

typedef enum {
    PF_OC_BEFORE, /* the checks have not run: may they? */
    PF_OC_AFTER   /* the checks ran (or were stopped): what now? */
} pf_oc_phase;

typedef struct pf_outcome_input {
    pf_oc_cmd cmd;
    pf_oc_phase phase;
    /* the arming gate as evaluated for this phase (before: at the start;
     * after: again, with the clock and the kill switch as they are now) */
    const pf_arming_result *gate;
    int http_mock;         /* the run answers HTTP from fixtures */
    int kill_engaged;      /* the kill-switch file exists, any mode */
    const char *kill_why;  /* its wording for a refusal, may be NULL */
    int prepare_rc;        /* 0, or the exit code the pack failed to load with */
    const char *prepare_err; /* why it failed, may be NULL */
    int manifest_ok;       /* every checks folder has a manifest with ids */
    /* the pack, for live arm and exec (DESIGN.md 8.2-8.5) */
    int one_folder;        /* PATH is one checks folder */
    const char *pack_err;  /* the pack cannot be read (its policy), or NULL */
    const char *cli_override; /* an option the policy owns, given on the
                                 command line (live refuses it), or NULL */
    int lock_state;        /* pf_lock_state (pack.h) */
    size_t lock_diffs;
    const char *lock_err;  /* why the lock cannot be checked, may be NULL */
    int lib_inside;        /* the Lua library folder lies inside the root */
    size_t trust_problems; /* files or folders others could change (8.4) */
    const char *trust_first; /* the first of them, may be NULL */
    int approvers_state;   /* 0 none, 1 parsed, -1 unreadable or malformed */
    size_t approvers_n;    /* keys listed */
    const char *approvers_err;
    int approvals_enough;  /* N valid approvals from distinct keys */
    const char *approvals_why; /* why not, may be NULL */
    /* after only */
    pf_verdict_kind verdict;   /* of the checks (pf_verdict_compute) */
    int verdict_exit;
    int interrupted;       /* a signal stopped the run */
    int compiled_differs;  /* a worker compiled bytes that are not locked */
    const char *compiled_what; /* the first such file, named; may be NULL */
    int audit_failed;      /* the audit record could not be appended */
    size_t guard_required; /* required checks tagged guard (8.8): live
                              exec is refused without one */
} pf_outcome_input;

typedef struct pf_outcome {
    pf_arm_state arm;         /* PF_ARM_NOT_REQUIRED, ARMED or REFUSED */
    const char *arm_name;     /* "not-required" | "armed" | "refused" */
    size_t nreasons;          /* why arming was refused (may be > 0 with
                                 a verdict that is not refused) */
    char reasons[PF_OUTCOME_MAX_REASONS][PF_ARM_REASON_LEN];
    const char *problem;      /* a run-level problem to record, or NULL */
    pf_verdict_kind kind;
    int exit_code;
    int may_run;              /* before: run the checks */
    int may_start;            /* after: exec may start COMMAND */
} pf_outcome;

/*
 * Fills *out from *in. Before: may_run is 1 unless a rule refuses or the
 * pack failed to load; then kind and exit_code say how the run ends. After:
 * kind, exit_code, arm state and reasons are final, and may_start is 1
 * only for exec with exit code 0 (live: ARMED; any mode: no kill switch).
 */
void pf_outcome_decide(const pf_outcome_input *in, pf_outcome *out);

#endif
