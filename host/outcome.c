/*
 * outcome.c: the one place where run, arm and exec decide how they end
 * (see outcome.h). Each rule below is a row of tests/test_outcome.c.
 */
#include "outcome.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define R_MOCK "live mode refuses --http mock: mocked data never arms LIVE"
#define R_MANIFEST "live mode needs checks/manifest listing the required ids"
#define R_PAPER_ARM \
    "paper mode cannot be armed (use `preflight run` in paper mode)"
#define R_NOT_PASSED "the checks did not pass"
#define R_FOLDER \
    "live mode needs one checks folder as PATH (the pack that is locked)"
#define R_NO_LOCK \
    "the pack has no preflight.lock: run `preflight lock` and have it reviewed"
#define R_LIB "the Lua library folder is not inside the project root"
#define R_NO_APPROVERS \
    "the pack has no approvers: LIVE cannot be armed at this stage (D98)"
#define R_COMPILED \
    "a worker compiled a check or module that is not the locked file"
#define R_AUDIT "no audit record: the audit log could not be appended"
#define R_NO_GUARD \
    "live exec needs a required guard check (a manifest check tagged " \
    "guard): nothing would stop the bot when its KPIs cross their limits"
#define P_EARLY "refused before any check ran"

/* Appends one reason (cut to PF_ARM_REASON_LEN; beyond the last slot the
 * reason is dropped, the refusal stands). */
static void add(pf_outcome *out, const char *reason)
{
    if (out->nreasons >= PF_OUTCOME_MAX_REASONS)
        return;
    snprintf(out->reasons[out->nreasons++], PF_ARM_REASON_LEN, "%s", reason);
}

static void add_gate(pf_outcome *out, const pf_arming_result *gate)
{
    for (size_t i = 0; gate != NULL && i < gate->nreasons; i++)
        add(out, gate->reasons[i]);
}

static void set_arm(pf_outcome *out, pf_arm_state s)
{
    out->arm = s;
    out->arm_name = s == PF_ARM_ARMED     ? "armed"
                    : s == PF_ARM_REFUSED ? "refused"
                                          : "not-required";
}

static void end(pf_outcome *out, pf_verdict_kind k, int code)
{
    out->kind = k;
    out->exit_code = code;
}

/* Refused before the checks, with the reasons already added. */
static void refuse_early(pf_outcome *out, const char *problem)
{
    set_arm(out, PF_ARM_REFUSED);
    end(out, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
    out->problem = problem;
}

static void kill_reason(pf_outcome *out, const pf_outcome_input *in)
{
    char r[PF_ARM_REASON_LEN];

    pf_kill_switch_reason(in->kill_why, r, sizeof r);
    add(out, r);
}

/* Adds a formatted reason. */
static void addf(pf_outcome *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void addf(pf_outcome *out, const char *fmt, ...)
{
    char r[PF_ARM_REASON_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r, sizeof r, fmt, ap);
    va_end(ap);
    add(out, r);
}

/* The pack a live start is bound to (8.2-8.5): one folder, its policy
 * owning what protects the start, a lock that matches, a library inside
 * the root, files only root or another user can change, approvers, and
 * enough valid approvals. */
static void pack_rules(const pf_outcome_input *in, pf_outcome *out)
{
    if (in->pack_err != NULL) {
        addf(out, "the pack cannot be read: %s", in->pack_err);
        return;
    }
    if (!in->one_folder)
        add(out, R_FOLDER);
    if (in->cli_override != NULL)
        addf(out, "live mode takes %s from the policy file (PATH/policy) "
                  "only, not from the command line",
             in->cli_override);
    switch (in->lock_state) {
    case 0: add(out, R_NO_LOCK); break;
    case 1: break;
    case 2:
        addf(out, "the pack does not match its lock: %zu difference%s "
                  "(preflight lock --check)",
             in->lock_diffs, in->lock_diffs == 1 ? "" : "s");
        break;
    default:
        addf(out, "the pack lock cannot be checked: %s",
             in->lock_err ? in->lock_err : "unknown error");
        break;
    }
    if (!in->lib_inside)
        add(out, R_LIB);
    if (in->trust_problems > 0)
        addf(out, "the pack can be changed by others than root: %s (%zu "
                  "problem%s in all)",
             in->trust_first ? in->trust_first : "", in->trust_problems,
             in->trust_problems == 1 ? "" : "s");
    if (in->approvers_state < 0)
        addf(out, "approvers: %s",
             in->approvers_err ? in->approvers_err : "unreadable");
    else if (in->approvers_state == 0 || in->approvers_n == 0)
        add(out, R_NO_APPROVERS);
    else if (!in->approvals_enough)
        addf(out, "approvals: %s",
             in->approvals_why ? in->approvals_why : "not enough");
}

/* What live arm and exec need beyond the gate: real HTTP, the pack rules
 * and, once the pack is loaded, a manifest. Adds a reason for each that
 * is missing. */
static void live_rules(const pf_outcome_input *in, int loaded,
                       pf_outcome *out)
{
    add_gate(out, in->gate);
    if (in->http_mock)
        add(out, R_MOCK);
    pack_rules(in, out);
    if (loaded && !in->manifest_ok)
        add(out, R_MANIFEST);
}

static void decide_before(const pf_outcome_input *in, int arming, int live,
                          pf_outcome *out)
{
    if (in->gate->mode == PF_MODE_INVALID) {
        add_gate(out, in->gate);
        refuse_early(out, P_EARLY);
        return;
    }
    if (arming && live) {
        live_rules(in, 0, out);
        if (out->nreasons > 0) {
            refuse_early(out, P_EARLY);
            return;
        }
    } else if (in->cmd == PF_OC_EXEC && in->kill_engaged) {
        kill_reason(out, in);
        refuse_early(out, P_EARLY);
        return;
    }
    if (!arming)
        add_gate(out, in->gate); /* live run: listed, not enforced */
    if (in->prepare_rc != 0) {
        if (arming && live)
            set_arm(out, PF_ARM_REFUSED);
        end(out, PF_VERDICT_ERROR, in->prepare_rc);
        out->problem = in->prepare_err;
        return;
    }
    if (arming && live && !in->manifest_ok) {
        live_rules(in, 1, out);
        set_arm(out, PF_ARM_REFUSED);
        end(out, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
        return;
    }
    out->may_run = 1;
}

static void decide_after(const pf_outcome_input *in, int arming, int live,
                         pf_outcome *out)
{
    end(out, in->verdict, in->verdict_exit);
    if (in->interrupted) /* the caller records which signal */
        end(out, PF_VERDICT_ERROR, PF_EXIT_ERROR);
    if (!arming) {
        add_gate(out, in->gate);
        return;
    }
    if (out->kind != PF_VERDICT_PASS) {
        if (live) {
            add_gate(out, in->gate);
            add(out, R_NOT_PASSED);
            set_arm(out, PF_ARM_REFUSED);
        }
        return;
    }
    if (live) {
        /* the gate again, with the clock and kill switch as they are now */
        live_rules(in, 1, out);
        if (in->compiled_differs && in->compiled_what != NULL &&
            in->compiled_what[0] != '\0')
            addf(out, "%s (%s)", R_COMPILED, in->compiled_what);
        else if (in->compiled_differs)
            add(out, R_COMPILED);
        if (in->cmd == PF_OC_EXEC && in->guard_required == 0)
            add(out, R_NO_GUARD);
        if (in->gate->state != PF_ARM_ARMED || out->nreasons > 0) {
            set_arm(out, PF_ARM_REFUSED);
            end(out, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
            return;
        }
        set_arm(out, PF_ARM_ARMED);
    } else if (in->cmd == PF_OC_ARM) {
        add(out, R_PAPER_ARM);
        set_arm(out, PF_ARM_REFUSED);
        end(out, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
        return;
    } else if (in->kill_engaged) {
        /* paper exec: engaged while the checks ran */
        kill_reason(out, in);
        set_arm(out, PF_ARM_REFUSED);
        end(out, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
        return;
    }
    out->may_start = in->cmd == PF_OC_EXEC && out->exit_code == PF_EXIT_PASS;
}

void pf_outcome_decide(const pf_outcome_input *in, pf_outcome *out)
{
    int arming = in->cmd == PF_OC_ARM || in->cmd == PF_OC_EXEC;
    int live = in->gate->mode == PF_MODE_LIVE;

    memset(out, 0, sizeof *out);
    set_arm(out, PF_ARM_NOT_REQUIRED);
    end(out, PF_VERDICT_PASS, PF_EXIT_PASS);
    if (in->phase == PF_OC_BEFORE) {
        decide_before(in, arming, live, out);
        if (arming && in->audit_failed && !out->may_run) {
            /* refused or failed before the checks, and not recorded */
            add(out, R_AUDIT);
            set_arm(out, PF_ARM_REFUSED);
            if (live)
                end(out, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
        }
    } else if (in->gate->mode == PF_MODE_INVALID) {
        add_gate(out, in->gate); /* never reached by main: refused before */
        refuse_early(out, P_EARLY);
    } else {
        decide_after(in, arming, live, out);
        if (arming && in->audit_failed) {
            /* decided again: no record, no start (8.6) */
            add(out, R_AUDIT);
            set_arm(out, PF_ARM_REFUSED);
            end(out, live ? PF_VERDICT_REFUSED : PF_VERDICT_ERROR,
                live ? PF_EXIT_REFUSED : PF_EXIT_ERROR);
            out->may_start = 0;
        }
    }
}
