/*
 * policy.h: PATH/policy, what protects a live start (DESIGN.md 8.3),
 * parsed in plain C.
 *
 * One "key = value" a line (spaces around '=' and at the ends ignored,
 * blank lines and lines starting with '#' skipped, LF or a final line
 * without one; CR, NUL and other control bytes refused). Keys:
 *   kill_switch           path of the kill-switch file
 *   audit                 path of the audit log
 *   notional_ceiling_usd  plain amount above 0, at most the hard maximum
 *   guard_interval_s      1..300
 *   stop_grace_ms         100..60000
 * Each at most once; any other key is an error. Paths are kept as
 * written; the caller resolves relative ones against the project root.
 */
#ifndef PF_POLICY_H
#define PF_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define PF_POLICY_MAX_BYTES (64 * 1024)
#define PF_POLICY_MAX_PATH 1024
#define PF_GUARD_INTERVAL_DEFAULT_S 60
#define PF_STOP_GRACE_DEFAULT_MS 10000
#define PF_AUDIT_DEFAULT "evidence/audit.jsonl"

typedef struct pf_policy {
    char kill_switch[PF_POLICY_MAX_PATH]; /* "" when not set */
    char audit[PF_POLICY_MAX_PATH];       /* "" when not set */
    int64_t ceiling_cents;                /* 0 when not set */
    long guard_interval_s;                /* 0 when not set */
    long stop_grace_ms;                   /* 0 when not set */
} pf_policy;

/*
 * Parse text (len bytes). Returns 0 and fills *out (unset keys zero or
 * empty), or -1 with "line N: why" in err.
 */
int pf_policy_parse(const char *text, size_t len, pf_policy *out, char *err,
                    size_t errlen);

/* Fill the unset values of p with the defaults (kill_switch KILL_SWITCH,
 * audit evidence/audit.jsonl, ceiling 1000 USD, 60 s, 10000 ms). */
void pf_policy_defaults(pf_policy *p);

#endif
