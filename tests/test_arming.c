/*
 * test_arming.c: cmocka tests of the LIVE arming gate (host/arming.c).
 *
 * Table-driven over the four parsers and the gate. The clock is pinned to
 * NOW_MS (2026-11-27T02:38:00Z); the expected Unix times were computed with
 * GNU date, not with the code under test. Every row asserts concrete
 * values: return codes, milliseconds, cents, states, reason counts and the
 * wording that tells an operator which condition failed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <string.h>

#include "arming.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

#define NOW_S 1795747080LL              /* 2026-11-27T02:38:00Z */
#define NOW_MS (NOW_S * 1000LL)
#define DEF_CEIL PF_NOTIONAL_DEFAULT_CEILING_CENTS
#define SENTINEL ((int64_t)-777)
#define ACK PF_ARM_ACK_PHRASE

/* ---- pf_mode_parse / pf_mode_name ------------------------------------ */

static const struct {
    const char *in;
    pf_mode want;
} mode_rows[] = {
    {NULL, PF_MODE_PAPER},
    {"paper", PF_MODE_PAPER},
    {"live", PF_MODE_LIVE},
    {"", PF_MODE_INVALID},
    {"LIVE", PF_MODE_INVALID},
    {"Live", PF_MODE_INVALID},
    {"live ", PF_MODE_INVALID},
    {" live", PF_MODE_INVALID},
    {"live\n", PF_MODE_INVALID},
    {"PAPER", PF_MODE_INVALID},
    {"Paper", PF_MODE_INVALID},
    {"prod", PF_MODE_INVALID},
    {"production", PF_MODE_INVALID},
    {"liv", PF_MODE_INVALID},
    {"livee", PF_MODE_INVALID},
    {"paper ", PF_MODE_INVALID},
};

static void test_mode_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(mode_rows); i++) {
        pf_mode got = pf_mode_parse(mode_rows[i].in);
        if (got != mode_rows[i].want)
            fail_msg("row %zu \"%s\": got %d, want %d", i,
                     mode_rows[i].in ? mode_rows[i].in : "(null)", (int)got,
                     (int)mode_rows[i].want);
    }
}

static const struct {
    pf_mode in;
    const char *want;
} mode_name_rows[] = {
    {PF_MODE_PAPER, "paper"},
    {PF_MODE_LIVE, "live"},
    {PF_MODE_INVALID, "invalid"},
    {(pf_mode)42, "invalid"},
};

static void test_mode_name_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(mode_name_rows); i++)
        assert_string_equal(pf_mode_name(mode_name_rows[i].in),
                            mode_name_rows[i].want);
}

/* ---- pf_parse_arm_at --------------------------------------------------- */

static const struct {
    const char *in;
    int64_t want_ms;
} arm_at_ok_rows[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"1970-01-01T00:00:01Z", 1000},
    {"2026-11-27T02:38:00Z", NOW_MS},
    {"2026-11-27T02:38:00+00:00", NOW_MS},
    {"2026-11-27T02:28:00Z", 1795746480000LL},
    {"2026-11-27T02:27:59Z", 1795746479000LL},
    {"2026-12-31T23:59:59Z", 1798761599000LL},
    {"1999-12-31T23:59:59Z", 946684799000LL},
    {"2038-01-19T03:14:08Z", 2147483648000LL},
    /* leap years: 2000 is (divisible by 400), 2100 is not, 2024 is */
    {"2000-02-29T12:00:00Z", 951825600000LL},
    {"2000-03-01T00:00:00Z", 951868800000LL},
    {"2100-02-28T23:59:59Z", 4107542399000LL},
    {"2100-03-01T00:00:00Z", 4107542400000LL},
    {"2024-02-29T00:00:00Z", 1709164800000LL},
    {"2023-03-01T00:00:00Z", 1677628800000LL},
    {"2400-02-29T00:00:00Z", 13574563200000LL},
    {"1972-02-29T00:00:00Z", 68169600000LL},
    {"9999-12-31T23:59:59Z", 253402300799000LL},
    /* fractions: 1..9 digits, truncated (not rounded) to milliseconds */
    {"2026-11-27T02:38:00.5Z", NOW_MS + 500},
    {"2026-11-27T02:38:00.05Z", NOW_MS + 50},
    {"2026-11-27T02:38:00.123Z", NOW_MS + 123},
    {"2026-11-27T02:38:00.1239Z", NOW_MS + 123},
    {"2026-11-27T02:38:00.999999999Z", NOW_MS + 999},
    {"2026-11-27T02:38:00.000+00:00", NOW_MS},
    {"9999-12-31T23:59:59.999999999Z", 253402300799999LL},
    /* integer Unix seconds */
    {"0", 0},
    {"1", 1000},
    {"1795747080", NOW_MS},
    {"000000000001", 1000},
    {"253402300799", 253402300799000LL},
};

static void test_parse_arm_at_valid_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(arm_at_ok_rows); i++) {
        int64_t ms = SENTINEL;
        int rc = pf_parse_arm_at(arm_at_ok_rows[i].in, &ms);
        if (rc != 0 || ms != arm_at_ok_rows[i].want_ms)
            fail_msg("row %zu \"%s\": rc %d ms %" PRId64 ", want 0 %" PRId64,
                     i, arm_at_ok_rows[i].in, rc, ms,
                     arm_at_ok_rows[i].want_ms);
    }
}

static const char *const arm_at_bad_rows[] = {
    "",
    /* zones */
    "2026-11-27T02:38:00",
    "2026-11-27T02:38:00+01:00",
    "2026-11-27T02:38:00-00:00",
    "2026-11-27T02:38:00-05:00",
    "2026-11-27T02:38:00+0000",
    "2026-11-27T02:38:00+00",
    "2026-11-27T02:38:00UTC",
    "2026-11-27T02:38:00ZZ",
    /* case: only uppercase T and Z */
    "2026-11-27t02:38:00Z",
    "2026-11-27T02:38:00z",
    /* shape */
    "2026-11-27 02:38:00Z",
    "2026-11-27T02:38Z",
    "2026-11-27",
    "26-11-27T02:38:00Z",
    "2026-1-27T02:38:00Z",
    "2026-11-27T2:38:00Z",
    "12026-11-27T02:38:00Z",
    "2026/11/27T02:38:00Z",
    /* impossible dates and times */
    "2026-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-11-00T00:00:00Z",
    "2026-11-32T00:00:00Z",
    "2026-11-27T24:00:00Z",
    "2026-11-27T02:60:00Z",
    "2026-11-27T02:38:60Z",
    "2016-12-31T23:59:60Z",
    /* years outside 1970..9999 */
    "1969-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    /* fractions */
    "2026-11-27T02:38:00.Z",
    "2026-11-27T02:38:00.1234567890Z",
    "2026-11-27T02:38:00,5Z",
    "2026-11-27T02:38:00.5",
    /* trailing, leading, whitespace */
    "2026-11-27T02:38:00Z ",
    " 2026-11-27T02:38:00Z",
    "2026-11-27T02:38:00Z\n",
    "2026-11-27T02:38:00Zx",
    "2026-11-27T02:38:00+00:00 ",
    /* non-ASCII digits: full-width 2 and Arabic-Indic 1 */
    "\357\274\222026-11-27T02:38:00Z", /* full-width 2 (octal: 3 digits max) */
    "\xd9\xa1",
    /* Unix seconds */
    "-1",
    "+1795747080",
    " 1795747080",
    "1795747080 ",
    "1795747080.5",
    "1795747080000",
    "1e9",
    "0x10",
    "253402300800",
    "0000000000000",
    "99999999999999999999999999",
    "\xef\xbc\x91",
};

static void test_parse_arm_at_malformed_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(arm_at_bad_rows); i++) {
        int64_t ms = SENTINEL;
        int rc = pf_parse_arm_at(arm_at_bad_rows[i], &ms);
        if (rc != -1 || ms != SENTINEL)
            fail_msg("row %zu \"%s\": rc %d ms %" PRId64
                     ", want -1 and untouched",
                     i, arm_at_bad_rows[i], rc, ms);
    }
}

static void test_parse_arm_at_null_refused(void **state)
{
    int64_t ms = SENTINEL;
    (void)state;
    assert_int_equal(pf_parse_arm_at(NULL, &ms), -1);
    assert_true(ms == SENTINEL);
    assert_int_equal(pf_parse_arm_at("0", NULL), -1);
}

/* ---- pf_parse_usd_cents ------------------------------------------------ */

static const struct {
    const char *in;
    int64_t want;
} usd_ok_rows[] = {
    {"0", 0},
    {"0.00", 0},
    {"0.0", 0},
    {"0.01", 1},
    {"1", 100},
    {"1.5", 150},
    {"1.05", 105},
    {"1.50", 150},
    {"007.50", 750},
    {"0000000000000000000000000001", 100},
    {"1000", 100000},
    {"1000.00", 100000},
    {"1000.01", 100001},
    {"100000", 10000000},
    {"92233720368547758.07", INT64_MAX},
    {"92233720368547758", 9223372036854775800LL},
};

static void test_parse_usd_cents_valid_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(usd_ok_rows); i++) {
        int64_t c = SENTINEL;
        int rc = pf_parse_usd_cents(usd_ok_rows[i].in, &c);
        if (rc != 0 || c != usd_ok_rows[i].want)
            fail_msg("row %zu \"%s\": rc %d cents %" PRId64
                     ", want 0 %" PRId64,
                     i, usd_ok_rows[i].in, rc, c, usd_ok_rows[i].want);
    }
}

static const char *const usd_bad_rows[] = {
    "",
    ".5",
    "5.",
    "+5",
    "-5",
    "-0",
    "1e3",
    "1E3",
    "0x10",
    "inf",
    "nan",
    "Infinity",
    " 5",
    "5 ",
    "5\t",
    "1,000",
    "1_000",
    "1.234",
    "1..2",
    "1.2.3",
    "$5",
    "5USD",
    "\xef\xbc\x95",       /* full-width 5 */
    "\xd9\xa5",           /* Arabic-Indic 5 */
    "1\xef\xbc\x90",      /* 1 then full-width 0 */
    "92233720368547758.08",
    "92233720368547759",
    "99999999999999999999",
    "9223372036854775807",
};

static void test_parse_usd_cents_malformed_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(usd_bad_rows); i++) {
        int64_t c = SENTINEL;
        int rc = pf_parse_usd_cents(usd_bad_rows[i], &c);
        if (rc != -1 || c != SENTINEL)
            fail_msg("row %zu \"%s\": rc %d cents %" PRId64
                     ", want -1 and untouched",
                     i, usd_bad_rows[i], rc, c);
    }
}

static void test_parse_usd_cents_null_refused(void **state)
{
    int64_t c = SENTINEL;
    (void)state;
    assert_int_equal(pf_parse_usd_cents(NULL, &c), -1);
    assert_true(c == SENTINEL);
    assert_int_equal(pf_parse_usd_cents("5", NULL), -1);
}

/* ---- pf_parse_ceiling -------------------------------------------------- */

static const struct {
    const char *in;
    int rc;
    int64_t want;
} ceiling_rows[] = {
    {"0", -1, SENTINEL},
    {"0.00", -1, SENTINEL},
    {"0.01", 0, 1},
    {"1000", 0, 100000},
    {"250.5", 0, 25050},
    {"100000", 0, 10000000},
    {"100000.00", 0, 10000000},
    {"100000.01", -1, SENTINEL},
    {"200000", -1, SENTINEL},
    {"1e5", -1, SENTINEL},
    {"-1", -1, SENTINEL},
    {"", -1, SENTINEL},
    {"99999999999999999999", -1, SENTINEL},
};

static void test_parse_ceiling_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(ceiling_rows); i++) {
        int64_t c = SENTINEL;
        int rc = pf_parse_ceiling(ceiling_rows[i].in, &c);
        if (rc != ceiling_rows[i].rc || c != ceiling_rows[i].want)
            fail_msg("row %zu \"%s\": rc %d cents %" PRId64
                     ", want %d %" PRId64,
                     i, ceiling_rows[i].in, rc, c, ceiling_rows[i].rc,
                     ceiling_rows[i].want);
    }
}

/* ---- pf_arming_evaluate ------------------------------------------------ */

/* Reason fragments, one per condition, as an operator would grep for. */
#define R_ACK_UNSET "LIVE_ARM_ACK is not set"
#define R_ACK_WRONG "is not the acknowledgement"
#define R_AT_UNSET "LIVE_ARM_AT is not set"
#define R_AT_BAD "is not a UTC time"
#define R_OLD "s old (limit 600 s)"
#define R_AHEAD "s in the future (limit 30 s)"
#define R_NOT_UNSET "LIVE_MAX_NOTIONAL_USD is not set"
#define R_NOT_BAD "is not a plain USD amount"
#define R_NOT_ZERO "it must be above zero"
#define R_NOT_ABOVE "is above the notional ceiling"
#define R_KILL "kill switch is engaged"
#define R_MODE "is not a valid mode (use \"paper\" or \"live\")"

typedef struct {
    const char *env, *ack, *arm_at, *notional;
    int64_t now_delta_ms; /* added to NOW_MS */
    int64_t ceiling;
    int kill;
    const char *kill_reason;
    pf_arm_state state;
    size_t nreasons;
    const char *want[5]; /* want[j] is a substring of reasons[j] */
} eval_row;

#define GOOD_AT "2026-11-27T02:37:00Z"

static const eval_row eval_rows[] = {
    /* all good */
    {"live", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_ARMED, 0, {0}},
    {"live", ACK, "1795747020", "250.50", 0, DEF_CEIL, 0, NULL,
     PF_ARM_ARMED, 0, {0}},
    {"live", ACK, "2026-11-27T02:37:00+00:00", "0.01", 0, DEF_CEIL, 0, NULL,
     PF_ARM_ARMED, 0, {0}},
    /* each condition failing alone */
    {"live", NULL, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_ACK_UNSET}},
    {"live", "yes", GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"LIVE_ARM_ACK=\"yes\" " R_ACK_WRONG}},
    {"live", "i_understand_live_risk", GOOD_AT, "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {R_ACK_WRONG}},
    {"live", ACK " ", GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"LIVE_ARM_ACK=\"" ACK " \""}},
    {"live", "", GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"LIVE_ARM_ACK=\"\" " R_ACK_WRONG}},
    {"live", ACK, NULL, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_AT_UNSET}},
    {"live", ACK, "", "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"LIVE_ARM_AT=\"\" " R_AT_BAD}},
    {"live", ACK, "2026-11-27T02:37:00+01:00", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {R_AT_BAD}},
    {"live", ACK, "yesterday", "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"LIVE_ARM_AT=\"yesterday\" " R_AT_BAD}},
    {"live", ACK, "2026-11-27T01:38:00Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 3600.000 " R_OLD}},
    {"live", ACK, "2026-11-27T02:48:00Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 600.000 " R_AHEAD}},
    {"live", ACK, GOOD_AT, NULL, 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_NOT_UNSET}},
    {"live", ACK, GOOD_AT, "1e3", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"LIVE_MAX_NOTIONAL_USD=\"1e3\" " R_NOT_BAD}},
    {"live", ACK, GOOD_AT, "-5", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_NOT_BAD}},
    {"live", ACK, GOOD_AT, "inf", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_NOT_BAD}},
    {"live", ACK, GOOD_AT, "0", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_NOT_ZERO}},
    {"live", ACK, GOOD_AT, "0.00", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {R_NOT_ZERO}},
    {"live", ACK, GOOD_AT, "5000", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"5000.00 USD " R_NOT_ABOVE " 1000.00 USD"}},
    {"live", ACK, GOOD_AT, "250", 0, DEF_CEIL, 1, "exchange outage",
     PF_ARM_REFUSED, 1, {R_KILL ": \"exchange outage\""}},
    {"live", ACK, GOOD_AT, "250", 0, DEF_CEIL, 1, NULL, PF_ARM_REFUSED, 1,
     {R_KILL " (no reason recorded"}},
    {"live", ACK, GOOD_AT, "250", 0, DEF_CEIL, 1, "", PF_ARM_REFUSED, 1,
     {R_KILL " (no reason recorded"}},
    /* several failing together, listed in a fixed order */
    {"live", "no", "2026-11-27T03:00:00Z", "0", 0, DEF_CEIL, 1, "halt",
     PF_ARM_REFUSED, 4, {R_ACK_WRONG, R_AHEAD, R_NOT_ZERO, "\"halt\""}},
    {"live", NULL, "junk", "1000.01", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 3,
     {R_ACK_UNSET, R_AT_BAD, "1000.01 USD " R_NOT_ABOVE}},
    {"live", ACK, "2026-11-27T02:00:00Z", "12,5", 0, DEF_CEIL, 1, NULL,
     PF_ARM_REFUSED, 3, {"2280.000 " R_OLD, R_NOT_BAD, R_KILL}},
    /* the users' acceptance case: live and nothing else set */
    {"live", NULL, NULL, NULL, 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 3,
     {R_ACK_UNSET, R_AT_UNSET, R_NOT_UNSET}},
    /* age boundaries, RFC 3339 and Unix seconds, to the millisecond */
    {"live", ACK, "2026-11-27T02:28:00Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_ARMED, 0, {0}},
    {"live", ACK, "2026-11-27T02:27:59Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 601.000 " R_OLD}},
    {"live", ACK, "2026-11-27T02:27:59.999Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 600.001 " R_OLD}},
    {"live", ACK, "2026-11-27T02:28:00Z", "250", 1, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 600.001 " R_OLD}},
    {"live", ACK, "1795746480", "250", 0, DEF_CEIL, 0, NULL, PF_ARM_ARMED, 0,
     {0}},
    {"live", ACK, "1795746479", "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"601.000 " R_OLD}},
    {"live", ACK, "2026-11-27T02:38:30Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_ARMED, 0, {0}},
    {"live", ACK, "2026-11-27T02:38:31Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 31.000 " R_AHEAD}},
    {"live", ACK, "2026-11-27T02:38:30.001Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 30.001 " R_AHEAD}},
    {"live", ACK, "2026-11-27T02:38:30Z", "250", -1, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"LIVE_ARM_AT is 30.001 " R_AHEAD}},
    {"live", ACK, "1795747110", "250", 0, DEF_CEIL, 0, NULL, PF_ARM_ARMED, 0,
     {0}},
    {"live", ACK, "1795747111", "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"31.000 " R_AHEAD}},
    {"live", ACK, "2026-11-27T02:38:00Z", "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_ARMED, 0, {0}},
    /* notional against the ceiling */
    {"live", ACK, GOOD_AT, "1000", 0, DEF_CEIL, 0, NULL, PF_ARM_ARMED, 0, {0}},
    {"live", ACK, GOOD_AT, "1000.00", 0, DEF_CEIL, 0, NULL, PF_ARM_ARMED, 0,
     {0}},
    {"live", ACK, GOOD_AT, "1000.01", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"1000.01 USD " R_NOT_ABOVE " 1000.00 USD"}},
    {"live", ACK, GOOD_AT, "2500.5", 0, 250050, 0, NULL, PF_ARM_ARMED, 0, {0}},
    {"live", ACK, GOOD_AT, "2500.51", 0, 250050, 0, NULL, PF_ARM_REFUSED, 1,
     {"2500.51 USD " R_NOT_ABOVE " 2500.50 USD"}},
    {"live", ACK, GOOD_AT, "100000", 0, PF_NOTIONAL_HARD_MAX_CENTS, 0, NULL,
     PF_ARM_ARMED, 0, {0}},
    {"live", ACK, GOOD_AT, "100000.01", 0, PF_NOTIONAL_HARD_MAX_CENTS, 0,
     NULL, PF_ARM_REFUSED, 1, {"100000.01 USD " R_NOT_ABOVE " 100000.00 USD"}},
    {"live", ACK, GOOD_AT, "92233720368547758.07", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"92233720368547758.07 USD " R_NOT_ABOVE}},
    {"live", ACK, GOOD_AT, "92233720368547758.08", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {R_NOT_BAD}},
    /* a ceiling the caller failed to validate still fails closed */
    {"live", ACK, GOOD_AT, "250", 0, 0, 0, NULL, PF_ARM_REFUSED, 1,
     {"notional ceiling of 0 cents is outside 0.01..100000.00 USD"}},
    {"live", ACK, GOOD_AT, "250", 0, PF_NOTIONAL_HARD_MAX_CENTS + 1, 0, NULL,
     PF_ARM_REFUSED, 1, {"notional ceiling of 10000001 cents"}},
    /* paper: never armed, no reasons, whatever else is set */
    {NULL, ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_NOT_REQUIRED, 0,
     {0}},
    {"paper", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_NOT_REQUIRED,
     0, {0}},
    {"paper", NULL, NULL, NULL, 0, DEF_CEIL, 0, NULL, PF_ARM_NOT_REQUIRED, 0,
     {0}},
    {NULL, "no", "junk", "1e3", 0, DEF_CEIL, 1, "halt", PF_ARM_NOT_REQUIRED,
     0, {0}},
    /* invalid modes: refused with the one reason naming the accepted values */
    {"prod", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"ARBITRAGE_ENV=\"prod\" " R_MODE}},
    {"", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"ARBITRAGE_ENV=\"\" " R_MODE}},
    {"LIVE", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"ARBITRAGE_ENV=\"LIVE\" " R_MODE}},
    {"Live", NULL, NULL, NULL, 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"ARBITRAGE_ENV=\"Live\" " R_MODE}},
    {"live ", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"ARBITRAGE_ENV=\"live \" " R_MODE}},
    {"live\n", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL, PF_ARM_REFUSED, 1,
     {"ARBITRAGE_ENV=\"live\\n\" " R_MODE}},
    {"\"x\\\x01\xff", ACK, GOOD_AT, "250", 0, DEF_CEIL, 0, NULL,
     PF_ARM_REFUSED, 1, {"ARBITRAGE_ENV=\"\\\"x\\\\\\x01\\xff\" " R_MODE}},
};

/* Fails unless every byte of s is printable ASCII. */
static void assert_printable(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c > 0x7e)
            fail_msg("byte 0x%02x at %zu in \"%s\"", c, (size_t)(p - s), s);
    }
}

static void run_eval(const eval_row *row, pf_arming_result *out)
{
    pf_arming_input in = {
        .arbitrage_env = row->env,
        .ack = row->ack,
        .arm_at = row->arm_at,
        .max_notional = row->notional,
        .now_ms = NOW_MS + row->now_delta_ms,
        .ceiling_cents = row->ceiling,
        .kill_switch_engaged = row->kill,
        .kill_reason = row->kill_reason,
    };
    pf_arming_evaluate(&in, out);
}

static void test_evaluate_table(void **state)
{
    static pf_arming_result out;
    (void)state;
    for (size_t i = 0; i < NROWS(eval_rows); i++) {
        const eval_row *row = &eval_rows[i];
        run_eval(row, &out);
        if (out.state != row->state || out.nreasons != row->nreasons)
            fail_msg("row %zu: state %d with %zu reasons (first: %s), want "
                     "state %d with %zu",
                     i, (int)out.state, out.nreasons,
                     out.nreasons ? out.reasons[0] : "-", (int)row->state,
                     row->nreasons);
        for (size_t j = 0; j < out.nreasons; j++) {
            assert_true(strlen(out.reasons[j]) < PF_ARM_REASON_LEN);
            assert_printable(out.reasons[j]);
            if (row->want[j] == NULL ||
                strstr(out.reasons[j], row->want[j]) == NULL)
                fail_msg("row %zu reason %zu: \"%s\" lacks \"%s\"", i, j,
                         out.reasons[j], row->want[j] ? row->want[j] : "?");
        }
        assert_true(out.ceiling_cents == row->ceiling);
    }
}

static void test_evaluate_acceptance_live_nothing_set(void **state)
{
    static pf_arming_result out;
    pf_arming_input in = {.arbitrage_env = "live",
                          .now_ms = NOW_MS,
                          .ceiling_cents = DEF_CEIL};
    (void)state;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.state, PF_ARM_REFUSED);
    assert_int_equal(out.mode, PF_MODE_LIVE);
    assert_int_equal(out.nreasons, 3);
    assert_non_null(strstr(out.reasons[0], "LIVE_ARM_ACK"));
    assert_non_null(strstr(out.reasons[1], "LIVE_ARM_AT"));
    assert_non_null(strstr(out.reasons[2], "LIVE_MAX_NOTIONAL_USD"));
    assert_non_null(strstr(out.reasons[2], "1000.00 USD"));
    assert_int_equal(out.has_arm_at, 0);
    assert_int_equal(out.has_notional, 0);
}

static void test_evaluate_live_fills_parsed_values(void **state)
{
    static pf_arming_result out;
    pf_arming_input in = {.arbitrage_env = "live",
                          .ack = ACK,
                          .arm_at = "2026-11-27T02:37:58.250Z",
                          .max_notional = "999.99",
                          .now_ms = NOW_MS + 7,
                          .ceiling_cents = DEF_CEIL};
    (void)state;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.state, PF_ARM_ARMED);
    assert_int_equal(out.mode, PF_MODE_LIVE);
    assert_int_equal(out.nreasons, 0);
    assert_int_equal(out.has_arm_at, 1);
    assert_true(out.arm_at_ms == NOW_MS - 1750);
    assert_true(out.arm_age_ms == 1757);
    assert_int_equal(out.has_notional, 1);
    assert_true(out.notional_cents == 99999);
    assert_true(out.ceiling_cents == DEF_CEIL);
}

static void test_evaluate_paper_fills_parsed_values(void **state)
{
    static pf_arming_result out;
    pf_arming_input in = {.arbitrage_env = "paper",
                          .ack = ACK,
                          .arm_at = "2026-11-27T02:38:10Z",
                          .max_notional = "12.3",
                          .now_ms = NOW_MS,
                          .ceiling_cents = DEF_CEIL,
                          .kill_switch_engaged = 1};
    (void)state;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.state, PF_ARM_NOT_REQUIRED);
    assert_int_equal(out.mode, PF_MODE_PAPER);
    assert_int_equal(out.nreasons, 0);
    assert_int_equal(out.has_arm_at, 1);
    assert_true(out.arm_at_ms == NOW_MS + 10000);
    assert_true(out.arm_age_ms == -10000);
    assert_int_equal(out.has_notional, 1);
    assert_true(out.notional_cents == 1230);
}

static void test_evaluate_invalid_mode_fills_parsed_values(void **state)
{
    static pf_arming_result out;
    pf_arming_input in = {.arbitrage_env = "prod",
                          .arm_at = "1795747000",
                          .max_notional = "5",
                          .now_ms = NOW_MS,
                          .ceiling_cents = DEF_CEIL};
    (void)state;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.state, PF_ARM_REFUSED);
    assert_int_equal(out.mode, PF_MODE_INVALID);
    assert_int_equal(out.nreasons, 1);
    assert_true(out.arm_age_ms == 80000);
    assert_true(out.notional_cents == 500);
}

static void test_evaluate_reasons_sanitized_and_bounded(void **state)
{
    static pf_arming_result out;
    char longv[2000];
    pf_arming_input in = {.arbitrage_env = "live",
                          .ack = "\xe2\x80\x8b" ACK,  /* zero-width space */
                          .now_ms = NOW_MS,
                          .ceiling_cents = DEF_CEIL,
                          .kill_switch_engaged = 1};
    (void)state;
    memset(longv, '\x7f', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    in.arm_at = longv;
    in.max_notional = "5\x1b[31m";
    in.kill_reason = "line one\nline two\r\t\"quoted\" \\ \xc3\xa9";
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.state, PF_ARM_REFUSED);
    assert_int_equal(out.nreasons, 4);
    for (size_t j = 0; j < out.nreasons; j++) {
        assert_true(strlen(out.reasons[j]) < PF_ARM_REASON_LEN);
        assert_printable(out.reasons[j]);
    }
    assert_non_null(strstr(out.reasons[0], "\"\\xe2\\x80\\x8bI_UNDER"));
    assert_non_null(strstr(out.reasons[1], "\\x7f\\x7f...\""));
    assert_null(strstr(out.reasons[1], "\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f"
                                       "\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f\\x7f"
                                       "\\x7f\\x7f\\x7f"));
    assert_non_null(strstr(out.reasons[2], "\"5\\x1b[31m\""));
    assert_non_null(strstr(out.reasons[3], "\"line one\\nline two\\r\\t"
                                           "\\\"quoted\\\" \\\\ \\xc3\\xa9\""));
}

static void test_evaluate_long_kill_reason_truncated(void **state)
{
    static pf_arming_result out;
    char longv[1000];
    pf_arming_input in = {.arbitrage_env = "live",
                          .ack = ACK,
                          .arm_at = GOOD_AT,
                          .max_notional = "1",
                          .now_ms = NOW_MS,
                          .ceiling_cents = DEF_CEIL,
                          .kill_switch_engaged = 1};
    (void)state;
    memset(longv, 'k', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    in.kill_reason = longv;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.nreasons, 1);
    assert_true(strlen(out.reasons[0]) < PF_ARM_REASON_LEN);
    assert_non_null(strstr(out.reasons[0], "kkk...\""));
    assert_non_null(strstr(out.reasons[0], "remove the kill-switch file"));
}

static void test_evaluate_clock_extremes_saturate(void **state)
{
    static pf_arming_result out;
    pf_arming_input in = {.arbitrage_env = "live",
                          .ack = ACK,
                          .arm_at = "9999-12-31T23:59:59Z",
                          .max_notional = "1",
                          .now_ms = INT64_MIN,
                          .ceiling_cents = DEF_CEIL};
    (void)state;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.nreasons, 1);
    assert_true(out.arm_age_ms == INT64_MIN);
    assert_non_null(strstr(out.reasons[0], "9223372036854775.808 s in the"));

    in.arm_at = "1";
    in.now_ms = INT64_MAX;
    pf_arming_evaluate(&in, &out);
    assert_int_equal(out.nreasons, 1);
    assert_true(out.arm_age_ms == INT64_MAX - 1000);
    assert_non_null(strstr(out.reasons[0], "9223372036854774.807 s old"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_parse_table),
        cmocka_unit_test(test_mode_name_table),
        cmocka_unit_test(test_parse_arm_at_valid_table),
        cmocka_unit_test(test_parse_arm_at_malformed_table),
        cmocka_unit_test(test_parse_arm_at_null_refused),
        cmocka_unit_test(test_parse_usd_cents_valid_table),
        cmocka_unit_test(test_parse_usd_cents_malformed_table),
        cmocka_unit_test(test_parse_usd_cents_null_refused),
        cmocka_unit_test(test_parse_ceiling_table),
        cmocka_unit_test(test_evaluate_table),
        cmocka_unit_test(test_evaluate_acceptance_live_nothing_set),
        cmocka_unit_test(test_evaluate_live_fills_parsed_values),
        cmocka_unit_test(test_evaluate_paper_fills_parsed_values),
        cmocka_unit_test(test_evaluate_invalid_mode_fills_parsed_values),
        cmocka_unit_test(test_evaluate_reasons_sanitized_and_bounded),
        cmocka_unit_test(test_evaluate_long_kill_reason_truncated),
        cmocka_unit_test(test_evaluate_clock_extremes_saturate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
