/*
 * test_policy.c: cmocka table of the policy file parser (host/policy.c):
 * every key at and past its bounds, duplicates, unknown keys, comments,
 * blank lines, CR, NUL and other control bytes, and the defaults.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "policy.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *text;
    const char *err; /* NULL: parses */
    const char *ks, *audit;
    int64_t cents;
    long interval, grace;
} rows[] = {
    {"", NULL, "", "", 0, 0, 0},
    {"# only a comment\n\n   \n", NULL, "", "", 0, 0, 0},
    {"kill_switch = /var/lib/bot/KILL\n", NULL, "/var/lib/bot/KILL", "", 0, 0,
     0},
    {"  audit=evidence/a.jsonl  ", NULL, "", "evidence/a.jsonl", 0, 0, 0},
    {"notional_ceiling_usd = 250.50\nguard_interval_s = 1\n"
     "stop_grace_ms = 100\n",
     NULL, "", "", 25050, 1, 100},
    {"guard_interval_s = 300\nstop_grace_ms = 60000\n"
     "notional_ceiling_usd = 100000\n",
     NULL, "", "", 10000000, 300, 60000},
    {"\tkill_switch\t=\tKS\t\n", NULL, "KS", "", 0, 0, 0},
    {"guard_interval_s = 0\n", "line 1: guard_interval_s must be", NULL, NULL,
     0, 0, 0},
    {"guard_interval_s = 301\n", "line 1: guard_interval_s", NULL, NULL, 0, 0,
     0},
    {"guard_interval_s = 060\n", "line 1: guard_interval_s", NULL, NULL, 0, 0,
     0},
    {"guard_interval_s = +5\n", "line 1: guard_interval_s", NULL, NULL, 0, 0,
     0},
    {"guard_interval_s = 99999999999999999999\n", "line 1: guard_interval_s",
     NULL, NULL, 0, 0, 0},
    {"stop_grace_ms = 99\n", "line 1: stop_grace_ms must be", NULL, NULL, 0, 0,
     0},
    {"stop_grace_ms = 60001\n", "line 1: stop_grace_ms", NULL, NULL, 0, 0, 0},
    {"notional_ceiling_usd = 0\n", "line 1: notional_ceiling_usd", NULL, NULL,
     0, 0, 0},
    {"notional_ceiling_usd = 100000.01\n", "line 1: notional_ceiling_usd",
     NULL, NULL, 0, 0, 0},
    {"notional_ceiling_usd = 1e3\n", "line 1: notional_ceiling_usd", NULL,
     NULL, 0, 0, 0},
    {"notional_ceiling_usd = -5\n", "line 1: notional_ceiling_usd", NULL, NULL,
     0, 0, 0},
    {"# c\nkill_switch = a\nkill_switch = b\n", "line 3: kill_switch is set "
                                                "twice",
     NULL, NULL, 0, 0, 0},
    {"stop_grace_ms = 100\nstop_grace_ms = 100\n", "line 2: stop_grace_ms is "
                                                   "set twice",
     NULL, NULL, 0, 0, 0},
    {"kill-switch = a\n", "line 1: unknown key", NULL, NULL, 0, 0, 0},
    {"KILL_SWITCH = a\n", "line 1: unknown key", NULL, NULL, 0, 0, 0},
    {"kill_switch a\n", "line 1: want \"key = value\"", NULL, NULL, 0, 0, 0},
    {"kill_switch =\n", "line 1: kill_switch has no value", NULL, NULL, 0, 0,
     0},
    {"= a\n", "line 1: unknown key", NULL, NULL, 0, 0, 0},
    {"kill_switch = a\r\n", "line 1: a control byte (\\x0D): CR", NULL, NULL,
     0, 0, 0},
    {"audit = a\x1b[2Jb\n", "line 1: a control byte (\\x1B)", NULL, NULL, 0, 0,
     0},
};

static void test_policy_parse_table(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        pf_policy p;
        char err[300] = "";
        int rc = pf_policy_parse(rows[i].text, strlen(rows[i].text), &p, err,
                                 sizeof err);
        int ok = rows[i].err == NULL
                     ? rc == 0 && strcmp(p.kill_switch, rows[i].ks) == 0 &&
                           strcmp(p.audit, rows[i].audit) == 0 &&
                           p.ceiling_cents == rows[i].cents &&
                           p.guard_interval_s == rows[i].interval &&
                           p.stop_grace_ms == rows[i].grace
                     : rc == -1 && strstr(err, rows[i].err) != NULL &&
                           p.kill_switch[0] == '\0' && p.ceiling_cents == 0;
        if (!ok) {
            print_message("row %zu: rc %d err \"%s\" ks \"%s\" cents %lld\n",
                          i, rc, err, p.kill_switch,
                          (long long)p.ceiling_cents);
            bad++;
        }
    }
    if (bad)
        fail_msg("%d rows differ", bad);
}

static void test_policy_nul_and_size(void **state)
{
    static const char nul[] = "audit = a\0b\n";
    static char big[PF_POLICY_MAX_BYTES + 2];
    pf_policy p;
    char err[300];

    (void)state;
    assert_int_equal(pf_policy_parse(nul, sizeof nul - 1, &p, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "line 1: a control byte (\\x00)"));
    memset(big, '#', sizeof big);
    assert_int_equal(pf_policy_parse(big, sizeof big, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than"));
    memset(big, 'a', sizeof big - 1);
    big[0] = 'a';
    assert_int_equal(pf_policy_parse(big, 3000, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1: longer than"));
}

static void test_policy_defaults(void **state)
{
    pf_policy p;
    char err[100];

    (void)state;
    assert_int_equal(pf_policy_parse("guard_interval_s = 5\n", 21, &p, err,
                                     sizeof err),
                     0);
    pf_policy_defaults(&p);
    assert_string_equal(p.kill_switch, "KILL_SWITCH");
    assert_string_equal(p.audit, "evidence/audit.jsonl");
    assert_int_equal(p.ceiling_cents, 100000);
    assert_int_equal(p.guard_interval_s, 5); /* kept */
    assert_int_equal(p.stop_grace_ms, 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_parse_table),
        cmocka_unit_test(test_policy_nul_and_size),
        cmocka_unit_test(test_policy_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
