/*
 * evidence.h: the evidence document (docs/evidence.schema.json) and its
 * atomic write. The same document is what --format json prints.
 */
#ifndef PF_EVIDENCE_H
#define PF_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "approval.h"
#include "buf.h"
#include "clock.h"
#include "lock.h"
#include "result.h"
#include "verdict.h"

typedef struct pf_report {
    int64_t started_ms;   /* UTC, Unix ms */
    int64_t finished_ms;
    double duration_ms;
    const char *hostname;
    const char *mode;     /* "paper" | "live" | the refused value */
    const char *http;     /* "mock" | "real" */
    /* arming */
    const char *arm_state;   /* "not-required" | "armed" | "refused" */
    char **arm_reasons;      /* may be NULL when narm_reasons is 0 */
    size_t narm_reasons;
    const char *max_notional_usd; /* normalised text, NULL when unknown */
    const char *ceiling_usd;      /* the cap in force, normalised text */
    int64_t arm_at_ms;
    int has_arm_at;
    double arm_age_s;
    const pf_verdict *verdict;
    const pf_check *checks;
    size_t nchecks;       /* skipped checks are left out of the document */
    int started;          /* exec's start document: COMMAND is being
                           * started; exit_code is then null (8.7) */
    /* the pack (8.2): written when has_pack (PATH is one folder) */
    int has_pack;
    const char *pack_digest;  /* NULL: the pack has no lock */
    int pack_locked;          /* the lock matches the files */
    const char *pack_diffs;   /* "changed PATH\n..." lines, may be NULL */
    const pf_lock *pack_files; /* the files of the pack, may be NULL */
    const pf_approval_result *approvals; /* 8.5; NULL: none looked at */
    const char *host_id;      /* PREFLIGHT_HOST_ID, else the host name */
    const char *signed_key_id; /* 8.9: --sign-key's key id, NULL: unsigned */
    /* --metrics-label NAME=VALUE, put on every metrics series (validated
     * by pf_metrics_label_check); not in the evidence */
    char *const *metric_labels;
    size_t nmetric_labels;
    int64_t audit_seq;        /* 8.6: the run's audit record, 0 none */
    const char *audit_hash;   /* sha256 of that line */
    /* the guard (8.8): a guarded exec's start and stop documents */
    int guarded;
    long guard_interval_s, stop_grace_ms;
    char **guard_ids;         /* the checks tagged guard */
    size_t nguard_ids;
    int stopped;              /* the stop document: the fields below */
    const char *stop_by;      /* "command-exited" | "kill-switch" |
                               * "guard-check" | "pack-changed" */
    const char *stop_reason;  /* NULL when COMMAND ended by itself */
    int64_t stop_ms;          /* UTC ms COMMAND was gone */
    int command_exit;         /* COMMAND's exit status, -1: none */
    int command_signal;       /* the signal that ended it, 0: none */
    int stop_escalated;       /* SIGKILL after the grace */
    unsigned long guard_cycles, signals_forwarded;
    int stop_exit_code;       /* preflight's exit code (8.7) */
} pf_report;

/* Append the JSON document (one line, then a newline) to b. */
void pf_evidence_json(pf_buf *b, const pf_report *r);

/* Write it atomically to path. Returns 0, or -1 / PF_ATOMIC_IN_PLACE
 * (atomic.h) with err set. */
int pf_evidence_write(const char *path, const pf_report *r, char *err,
                      size_t errlen);

/* As pf_evidence_write, but only if path does not exist yet
 * (pf_atomic_create: -1 with errno EEXIST when it does). */
int pf_evidence_create(const char *path, const pf_report *r, char *err,
                       size_t errlen);

#endif
