/*
 * test_outcome.c: cmocka table of every arming and exit rule of run, arm
 * and exec (host/outcome.c).
 *
 * Each row names a rule, sets the facts it depends on and states the whole
 * outcome: arm state, verdict kind, exit code, may run / may start, and a
 * fragment of the first reason (or "" for none). The gate results are made
 * by the real pf_arming_evaluate with a pinned clock, so a row reads like
 * the situation an operator is in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "outcome.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))
#define NOW_MS (1795747080LL * 1000LL) /* 2026-11-27T02:38:00Z */

/* The environment a row runs in. */
enum { ENV_PAPER, ENV_LIVE_OK, ENV_LIVE_NO_ACK, ENV_INVALID, ENV_LIVE_STALE };

static void gate_for(int env, int kill, pf_arming_result *g)
{
    pf_arming_input in;

    memset(&in, 0, sizeof in);
    in.now_ms = NOW_MS;
    in.ceiling_cents = PF_NOTIONAL_DEFAULT_CEILING_CENTS;
    in.kill_switch_engaged = kill;
    in.kill_reason = kill ? "exchange incident" : NULL;
    switch (env) {
    case ENV_PAPER: in.arbitrage_env = "paper"; break;
    case ENV_INVALID: in.arbitrage_env = "LIVE"; break;
    default:
        in.arbitrage_env = "live";
        in.ack = env == ENV_LIVE_NO_ACK ? NULL : PF_ARM_ACK_PHRASE;
        in.arm_at = env == ENV_LIVE_STALE ? "2026-11-27T02:20:00Z"
                                          : "2026-11-27T02:37:00Z";
        in.max_notional = "250";
        break;
    }
    pf_arming_evaluate(&in, g);
}

typedef struct row {
    const char *rule;
    pf_oc_cmd cmd;
    pf_oc_phase phase;
    int env, kill, mock, prepare_rc, manifest_ok;
    pf_verdict_kind verdict;
    int interrupted;
    /* want */
    pf_arm_state arm;
    pf_verdict_kind kind;
    int exit_code, may_run, may_start;
    const char *reason; /* fragment of the first reason, "" for none */
    int pack;           /* PK_*: what is wrong with the pack, 0 nothing */
} row;

/* What a row's pack gets wrong (live arm and exec care). */
enum {
    PK_OK, PK_FOLDERS, PK_CLI, PK_NOLOCK, PK_DIFF, PK_BADLOCK, PK_LIB,
    PK_TRUST, PK_NOAPPROVERS, PK_NOKEYS, PK_BADAPPROVERS, PK_NOTENOUGH,
    PK_COMPILED, PK_AUDIT, PK_POLICY, PK_MODULE, PK_NOGUARD
};

static void pack_for(int pk, pf_outcome_input *in)
{
    in->one_folder = pk != PK_FOLDERS && pk != PK_POLICY;
    in->pack_err = pk == PK_POLICY ? "checks/policy: line 2: unknown key"
                                   : NULL;
    in->cli_override = pk == PK_CLI ? "--kill-switch" : NULL;
    in->lock_state = pk == PK_NOLOCK ? 0 : pk == PK_DIFF ? 2
                     : pk == PK_BADLOCK ? 3 : 1;
    in->lock_diffs = pk == PK_DIFF ? 2 : 0;
    in->lock_err = pk == PK_BADLOCK ? "preflight.lock: line 3: want" : NULL;
    in->lib_inside = pk != PK_LIB;
    in->trust_problems = pk == PK_TRUST ? 2 : 0;
    in->trust_first = pk == PK_TRUST ? "checks/policy is writable by group"
                                     : NULL;
    in->approvers_state = pk == PK_NOAPPROVERS ? 0
                          : pk == PK_BADAPPROVERS ? -1 : 1;
    in->approvers_n = pk == PK_NOKEYS ? 0 : 2;
    in->approvers_err = pk == PK_BADAPPROVERS ? "line 2: want" : NULL;
    in->approvals_enough = pk != PK_NOTENOUGH;
    in->approvals_why = pk == PK_NOTENOUGH ? "1 of 2 required" : NULL;
    in->compiled_differs = pk == PK_COMPILED || pk == PK_MODULE;
    in->compiled_what = pk == PK_MODULE
                            ? "compiled lib/exchange/probe.lua: other bytes "
                              "than the locked file"
                            : NULL;
    in->audit_failed = pk == PK_AUDIT;
    in->guard_required = pk == PK_NOGUARD ? 0 : 1;
}

#define B PF_OC_BEFORE
#define A PF_OC_AFTER
#define RUN PF_OC_RUN
#define ARM PF_OC_ARM
#define EXEC PF_OC_EXEC
#define NR PF_ARM_NOT_REQUIRED
#define ARMED PF_ARM_ARMED
#define REF PF_ARM_REFUSED
#define VP PF_VERDICT_PASS
#define VF PF_VERDICT_FAIL
#define VE PF_VERDICT_ERROR
#define VR PF_VERDICT_REFUSED

static const row rows[] = {
    /* rule                          cmd  ph env  kill mock prc man verdict int   arm   kind rc run start reason */
    {"paper run may run",            RUN, B, ENV_PAPER, 0, 1, 0, 1, VP, 0,    NR, VP, 0, 1, 0, "", PK_OK},
    {"paper run passes",             RUN, A, ENV_PAPER, 0, 1, 0, 1, VP, 0,    NR, VP, 0, 0, 0, "", PK_OK},
    {"paper run fails",              RUN, A, ENV_PAPER, 0, 1, 0, 1, VF, 0,    NR, VF, 1, 0, 0, "", PK_OK},
    {"paper run errors",             RUN, A, ENV_PAPER, 0, 1, 0, 1, VE, 0,    NR, VE, 2, 0, 0, "", PK_OK},
    {"kill switch does not stop run", RUN, B, ENV_PAPER, 1, 1, 0, 1, VP, 0,   NR, VP, 0, 1, 0, "", PK_OK},
    {"invalid mode refuses run",     RUN, B, ENV_INVALID, 0, 1, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "not a valid mode", PK_OK},
    {"invalid mode refuses arm",     ARM, B, ENV_INVALID, 0, 1, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "not a valid mode", PK_OK},
    {"invalid mode refuses exec",    EXEC, B, ENV_INVALID, 0, 1, 0, 1, VP, 0, REF, VR, 3, 0, 0, "not a valid mode", PK_OK},
    {"invalid mode wins over a bad pack", RUN, B, ENV_INVALID, 0, 1, 2, 1, VP, 0, REF, VR, 3, 0, 0, "not a valid mode", PK_OK},
    {"pack that does not load",      RUN, B, ENV_PAPER, 0, 1, 2, 1, VP, 0,    NR, VE, 2, 0, 0, "", PK_OK},
    {"live run lists the gate",      RUN, B, ENV_LIVE_NO_ACK, 0, 0, 0, 1, VP, 0, NR, VP, 0, 1, 0, "LIVE_ARM_ACK", PK_OK},
    {"live run does not arm",        RUN, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  NR, VP, 0, 0, 0, "", PK_OK},
    {"live arm: gate refuses first", ARM, B, ENV_LIVE_NO_ACK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "LIVE_ARM_ACK", PK_OK},
    {"live arm: gate wins over a bad pack", ARM, B, ENV_LIVE_NO_ACK, 0, 0, 2, 1, VP, 0, REF, VR, 3, 0, 0, "LIVE_ARM_ACK", PK_OK},
    {"live arm refuses mock http",   ARM, B, ENV_LIVE_OK, 0, 1, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "--http mock", PK_OK},
    {"live exec refuses mock http",  EXEC, B, ENV_LIVE_OK, 0, 1, 0, 1, VP, 0, REF, VR, 3, 0, 0, "--http mock", PK_OK},
    {"live arm refuses kill switch", ARM, B, ENV_LIVE_OK, 1, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "kill switch is engaged", PK_OK},
    {"live arm needs a manifest",    ARM, B, ENV_LIVE_OK, 0, 0, 0, 0, VP, 0,  REF, VR, 3, 0, 0, "needs checks/manifest", PK_OK},
    {"live arm, pack fails to load", ARM, B, ENV_LIVE_OK, 0, 0, 2, 1, VP, 0,  REF, VE, 2, 0, 0, "", PK_OK},
    {"live arm may run",             ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  NR, VP, 0, 1, 0, "", PK_OK},
    {"live arm: armed",              ARM, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  ARMED, VP, 0, 0, 0, "", PK_OK},
    {"live exec: armed and starts",  EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, ARMED, VP, 0, 0, 1, "", PK_OK},
    {"live arm: checks failed",      ARM, A, ENV_LIVE_OK, 0, 0, 0, 1, VF, 0,  REF, VF, 1, 0, 0, "did not pass", PK_OK},
    {"live arm: checks errored",     ARM, A, ENV_LIVE_OK, 0, 0, 0, 1, VE, 0,  REF, VE, 2, 0, 0, "did not pass", PK_OK},
    {"live exec: checks failed",     EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VF, 0, REF, VF, 1, 0, 0, "did not pass", PK_OK},
    {"live arm: arm time went stale", ARM, A, ENV_LIVE_STALE, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "LIVE_ARM_AT", PK_OK},
    {"live exec: kill switch during the run", EXEC, A, ENV_LIVE_OK, 1, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "kill switch is engaged", PK_OK},
    {"live exec: interrupted",       EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 1, REF, VE, 2, 0, 0, "did not pass", PK_OK},
    {"paper arm is refused",         ARM, A, ENV_PAPER, 0, 1, 0, 1, VP, 0,    REF, VR, 3, 0, 0, "paper mode cannot be armed", PK_OK},
    {"paper arm: checks failed",     ARM, A, ENV_PAPER, 0, 1, 0, 1, VF, 0,    NR, VF, 1, 0, 0, "", PK_OK},
    {"paper exec starts",            EXEC, A, ENV_PAPER, 0, 1, 0, 1, VP, 0,   NR, VP, 0, 0, 1, "", PK_OK},
    {"paper exec: checks failed",    EXEC, A, ENV_PAPER, 0, 1, 0, 1, VF, 0,   NR, VF, 1, 0, 0, "", PK_OK},
    {"paper exec refuses kill switch", EXEC, B, ENV_PAPER, 1, 1, 0, 1, VP, 0, REF, VR, 3, 0, 0, "kill switch is engaged", PK_OK},
    {"paper exec: kill switch during the run", EXEC, A, ENV_PAPER, 1, 1, 0, 1, VP, 0, REF, VR, 3, 0, 0, "kill switch is engaged", PK_OK},
    {"paper exec: interrupted",      EXEC, A, ENV_PAPER, 0, 1, 0, 1, VP, 1,   NR, VE, 2, 0, 0, "", PK_OK},
    {"paper exec needs no manifest", EXEC, B, ENV_PAPER, 0, 1, 0, 0, VP, 0,   NR, VP, 0, 1, 0, "", PK_OK},
    {"paper run: interrupted",       RUN, A, ENV_PAPER, 0, 1, 0, 1, VP, 1,    NR, VE, 2, 0, 0, "", PK_OK},
    /* the pack a live start is bound to (8.2-8.5) */
    {"live arm: a malformed policy", ARM, B, ENV_LIVE_OK, 0, 0, 2, 1, VP, 0, REF, VR, 3, 0, 0, "the pack cannot be read: checks/policy: line 2", PK_POLICY},
    {"live arm: two folders",        ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "one checks folder", PK_FOLDERS},
    {"live arm: option the policy owns", ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "--kill-switch from the policy", PK_CLI},
    {"live arm: no lock",            ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "no preflight.lock", PK_NOLOCK},
    {"live exec: lock differs",      EXEC, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "does not match its lock: 2 differences", PK_DIFF},
    {"live arm: lock unreadable",    ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "cannot be checked: preflight.lock: line 3", PK_BADLOCK},
    {"live arm: library outside",    ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "not inside the project root", PK_LIB},
    {"live arm: writable pack",      ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "changed by others than root: checks/policy", PK_TRUST},
    {"live arm: no approvers file",  ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "no approvers", PK_NOAPPROVERS},
    {"live arm: approvers, no keys", ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0,  REF, VR, 3, 0, 0, "no approvers", PK_NOKEYS},
    {"live arm: approvers malformed", ARM, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "approvers: line 2", PK_BADAPPROVERS},
    {"live exec: too few approvals", EXEC, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "approvals: 1 of 2", PK_NOTENOUGH},
    {"live exec: approvals gone after the checks", EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "approvals: 1 of 2", PK_NOTENOUGH},
    {"live exec: lock changed during the run", EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "does not match its lock", PK_DIFF},
    {"live exec: no required guard check", EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "needs a required guard check", PK_NOGUARD},
    {"live arm: arms without a guard check", ARM, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, ARMED, VP, 0, 0, 0, "", PK_NOGUARD},
    {"paper exec: starts without a guard check", EXEC, A, ENV_PAPER, 0, 1, 0, 1, VP, 0, NR, VP, 0, 0, 1, "", PK_NOGUARD},
    {"live exec: compiled bytes not locked", EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "compiled a check or module", PK_COMPILED},
    {"live arm: a module compiled with other bytes is named", ARM, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "(compiled lib/exchange/probe.lua: other bytes", PK_MODULE},
    {"paper run: a compiled difference does not change the verdict", RUN, A, ENV_PAPER, 0, 1, 0, 1, VP, 0, NR, VP, 0, 0, 0, "", PK_MODULE},
    {"live exec: no audit record",   EXEC, A, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "no audit record", PK_AUDIT},
    {"live arm: no audit record, checks failed", ARM, A, ENV_LIVE_OK, 0, 0, 0, 1, VF, 0, REF, VR, 3, 0, 0, "did not pass", PK_AUDIT},
    {"live arm refused early, no audit record", ARM, B, ENV_LIVE_NO_ACK, 0, 0, 0, 1, VP, 0, REF, VR, 3, 0, 0, "LIVE_ARM_ACK", PK_AUDIT},
    {"paper exec refused early, no audit record", EXEC, B, ENV_PAPER, 1, 1, 0, 1, VP, 0, REF, VR, 3, 0, 0, "kill switch", PK_AUDIT},
    {"paper exec: no audit record",  EXEC, A, ENV_PAPER, 0, 1, 0, 1, VP, 0,   REF, VE, 2, 0, 0, "no audit record", PK_AUDIT},
    {"paper exec: pack rules are live's", EXEC, A, ENV_PAPER, 0, 1, 0, 1, VP, 0, NR, VP, 0, 0, 1, "", PK_NOLOCK},
    {"paper run: no approvers is fine", RUN, A, ENV_PAPER, 0, 1, 0, 1, VP, 0,  NR, VP, 0, 0, 0, "", PK_NOAPPROVERS},
    {"live run: pack rules are arming's", RUN, B, ENV_LIVE_OK, 0, 0, 0, 1, VP, 0, NR, VP, 0, 1, 0, "", PK_NOLOCK},
};

static void test_outcome_table(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        const row *w = &rows[i];
        pf_arming_result g;
        pf_outcome_input in;
        pf_outcome out;
        const char *first;

        gate_for(w->env, w->kill, &g);
        memset(&in, 0, sizeof in);
        in.cmd = w->cmd;
        in.phase = w->phase;
        in.gate = &g;
        in.http_mock = w->mock;
        in.kill_engaged = w->kill;
        in.kill_why = w->kill ? "exchange incident" : NULL;
        in.prepare_rc = w->prepare_rc;
        in.prepare_err = w->prepare_rc ? "checks/: no such folder" : NULL;
        in.manifest_ok = w->manifest_ok;
        in.verdict = w->verdict;
        in.verdict_exit = w->verdict == VP   ? 0
                          : w->verdict == VF ? 1
                          : w->verdict == VE ? 2
                                             : 3;
        in.interrupted = w->interrupted;
        pack_for(w->pack, &in);
        pf_outcome_decide(&in, &out);
        first = out.nreasons ? out.reasons[0] : "";
        if (out.arm != w->arm || out.kind != w->kind ||
            out.exit_code != w->exit_code || out.may_run != w->may_run ||
            out.may_start != w->may_start ||
            (w->reason[0] == '\0' ? out.nreasons != 0
                                  : strstr(first, w->reason) == NULL)) {
            print_message("row %zu \"%s\": arm %s kind %s exit %d run %d "
                          "start %d reasons %zu first \"%s\"\n",
                          i, w->rule, out.arm_name,
                          pf_verdict_name(out.kind), out.exit_code,
                          out.may_run, out.may_start, out.nreasons, first);
            bad++;
        }
        /* never a start without a pass, never ARMED outside live */
        if (out.may_start && out.exit_code != 0)
            fail_msg("row %zu: may start with exit %d", i, out.exit_code);
        if (out.arm == PF_ARM_ARMED && g.mode != PF_MODE_LIVE)
            fail_msg("row %zu: armed in mode %d", i, (int)g.mode);
    }
    if (bad)
        fail_msg("%d of %zu rows differ", bad, NROWS(rows));
}

/* Every combination of the facts: no outcome starts COMMAND or says ARMED
 * unless the verdict passed, the gate armed (live) and no kill switch is
 * engaged; a run that may not run always has a non-zero exit code. */
static void test_outcome_never_starts_by_accident(void **state)
{
    (void)state;
    for (int cmd = RUN; cmd <= EXEC; cmd++)
        for (int ph = B; ph <= A; ph++)
            for (int env = ENV_PAPER; env <= ENV_LIVE_STALE; env++)
                for (int bits = 0; bits < 64; bits++)
                  for (int pk = PK_OK; pk <= PK_NOGUARD; pk++)
                    for (int vk = VP; vk <= VR; vk++) {
                        pf_arming_result g;
                        pf_outcome_input in;
                        pf_outcome out;
                        int kill = bits & 1;

                        gate_for(env, kill, &g);
                        memset(&in, 0, sizeof in);
                        in.cmd = (pf_oc_cmd)cmd;
                        in.phase = (pf_oc_phase)ph;
                        in.gate = &g;
                        in.kill_engaged = kill;
                        in.http_mock = (bits >> 1) & 1;
                        in.prepare_rc = (bits >> 2) & 1 ? 2 : 0;
                        in.manifest_ok = (bits >> 3) & 1;
                        in.interrupted = (bits >> 4) & 1;
                        in.verdict = (pf_verdict_kind)vk;
                        in.verdict_exit = vk;
                        pack_for(pk, &in);
                        pf_outcome_decide(&in, &out);
                        if (out.may_start) {
                            assert_int_equal(cmd, EXEC);
                            assert_int_equal(ph, A);
                            assert_int_equal(vk, VP);
                            assert_int_equal(in.interrupted, 0);
                            assert_int_equal(kill, 0);
                            assert_int_equal(out.exit_code, 0);
                            assert_int_equal(in.audit_failed, 0);
                            if (g.mode == PF_MODE_LIVE) {
                                assert_int_equal(out.arm, PF_ARM_ARMED);
                                assert_int_equal(in.http_mock, 0);
                                assert_int_equal(pk, PK_OK);
                            } else {
                                assert_int_equal(g.mode, PF_MODE_PAPER);
                            }
                        }
                        if (out.arm == PF_ARM_ARMED) {
                            assert_int_equal(g.mode, PF_MODE_LIVE);
                            /* arm rehearses; only exec needs a guard */
                            assert_true(pk == PK_OK ||
                                        (pk == PK_NOGUARD && cmd == ARM));
                            assert_int_equal(out.exit_code, 0);
                        }
                        if (ph == B && !out.may_run)
                            assert_true(out.exit_code != 0);
                        if (ph == A && vk != VP)
                            assert_true(out.exit_code != 0);
                    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcome_table),
        cmocka_unit_test(test_outcome_never_starts_by_accident),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
