/*
 * outcome.c: the one place where run, arm and exec decide how they end
 * (see outcome.h). Each rule below is a row of tests/test_outcome.c.
 */
#include "outcome.h"

#include <stdio.h>
#include <string.h>

#define R_MOCK "live mode refuses --http mock: mocked data never arms LIVE"
#define R_MANIFEST "live mode needs checks/manifest listing the required ids"
#define R_PAPER_ARM \
    "paper mode cannot be armed (use `preflight run` in paper mode)"
#define R_NOT_PASSED "the checks did not pass"
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

/* What live arm and exec need beyond the gate: real HTTP and, once the
 * pack is loaded, a manifest. Adds a reason for each that is missing. */
static void live_rules(const pf_outcome_input *in, int loaded,
                       pf_outcome *out)
{
    add_gate(out, in->gate);
    if (in->http_mock)
        add(out, R_MOCK);
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
    if (in->phase == PF_OC_BEFORE)
        decide_before(in, arming, live, out);
    else if (in->gate->mode == PF_MODE_INVALID) {
        add_gate(out, in->gate); /* never reached by main: refused before */
        refuse_early(out, P_EARLY);
    } else
        decide_after(in, arming, live, out);
}
