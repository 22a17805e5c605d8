/*
 * test_verdict.c: cmocka tests of the run's verdict and the manifest
 * parser (host/verdict.c).
 *
 * One table row per verdict outcome of DESIGN.md section 3.1: the checks
 * going in (id, status, reason), the manifest, and everything that must
 * come out: kind, exit code, every count, the run-level problems, and the
 * status and reason of each check afterwards (duplicates become contract
 * errors). Then a brute-force cross-check of duplicate marking on a large
 * shuffled input, and a table for pf_manifest_parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "verdict.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- pf_verdict_compute ------------------------------------------------ */

typedef struct {
    const char *id; /* NULL: the file never yielded an id */
    pf_status st;
    pf_reason rs;
    pf_status want_st;
    pf_reason want_rs;
} cspec;

#define P(id) {id, PF_STATUS_PASS, PF_REASON_NONE, PF_STATUS_PASS, PF_REASON_NONE}
#define FL(id) {id, PF_STATUS_FAIL, PF_REASON_NONE, PF_STATUS_FAIL, PF_REASON_NONE}
/* a skip (preflight.skip); RSK: one whose id is in the manifest, which the
 * verdict marks required; NS: left out by --tag */
#define SK(id) {id, PF_STATUS_SKIP, PF_REASON_NONE, PF_STATUS_SKIP, PF_REASON_NONE}
#define RSK(id) {id, PF_STATUS_SKIP, PF_REASON_NONE, PF_STATUS_SKIP, \
                 PF_REASON_REQUIRED}
#define NS(id) {id, PF_STATUS_NOT_SELECTED, PF_REASON_NONE, \
                PF_STATUS_NOT_SELECTED, PF_REASON_NONE}
#define ER(id, r) {id, PF_STATUS_ERROR, PF_REASON_##r, PF_STATUS_ERROR, PF_REASON_##r}
/* a check whose id is duplicated: any status in, contract error out */
#define DUP(id, st, r) {id, PF_STATUS_##st, PF_REASON_##r, PF_STATUS_ERROR, \
                        PF_REASON_CONTRACT}

#define MAXC 10

static const struct {
    const char *name;
    size_t nchecks;
    cspec c[MAXC];
    const char *manifest[MAXC]; /* NULL-terminated */
    pf_verdict_kind kind;
    int exit_code;
    size_t total, passed, failed, errored, skipped;
    const char *problems[MAXC]; /* NULL-terminated; exactly these */
    size_t not_selected;        /* last, so most rows leave it 0 */
} verdict_rows[] = {
    {"zero checks", 0, {P(NULL)}, {NULL},
     PF_VERDICT_ERROR, 2, 0, 0, 0, 0, 0, {"no check ran", NULL}, 0},
    {"one pass", 1, {P("a")}, {NULL},
     PF_VERDICT_PASS, 0, 1, 1, 0, 0, 0, {NULL}, 0},
    {"all pass", 3, {P("a"), P("b"), P("c")}, {NULL},
     PF_VERDICT_PASS, 0, 3, 3, 0, 0, 0, {NULL}, 0},
    {"one fail", 2, {P("a"), FL("b")}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 1, 0, 0, {NULL}, 0},
    {"one error", 2, {P("a"), ER("b", TIMEOUT)}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 0, 1, 0, {NULL}, 0},
    {"only an error", 1, {ER("a", CRASH)}, {NULL},
     PF_VERDICT_FAIL, 1, 1, 0, 0, 1, 0, {NULL}, 0},
    {"only a fail", 1, {FL("a")}, {NULL},
     PF_VERDICT_FAIL, 1, 1, 0, 1, 0, 0, {NULL}, 0},
    {"all not selected", 2, {NS("a"), NS("b")}, {NULL},
     PF_VERDICT_ERROR, 2, 0, 0, 0, 0, 0, {"no check ran", NULL}, 2},
    {"all skipped is not a pass", 2, {SK("a"), SK("b")}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 0, 2, {"no check passed (2 skipped)", NULL}, 0},
    {"one skip alone is not a pass", 1, {SK("a")}, {NULL},
     PF_VERDICT_FAIL, 1, 1, 0, 0, 0, 1, {"no check passed (1 skipped)", NULL}, 0},
    {"skip and not selected is not a pass", 2, {SK("a"), NS("b")}, {NULL},
     PF_VERDICT_FAIL, 1, 1, 0, 0, 0, 1, {"no check passed (1 skipped)", NULL},
     1},
    {"pass and optional skip", 2, {P("a"), SK("b")}, {NULL},
     PF_VERDICT_PASS, 0, 2, 1, 0, 0, 1, {NULL}, 0},
    {"pass and optional skip, manifest lists the pass", 2, {P("a"), SK("b")},
     {"a", NULL},
     PF_VERDICT_PASS, 0, 2, 1, 0, 0, 1, {NULL}, 0},
    {"pass and not selected", 2, {P("a"), NS("b")}, {NULL},
     PF_VERDICT_PASS, 0, 1, 1, 0, 0, 0, {NULL}, 1},
    {"optional skip and a fail", 2, {SK("a"), FL("b")}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 1, 0, 1, {NULL}, 0},
    {"optional skip and an error", 2, {SK("a"), ER("b", RUNTIME)}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 1, 1, {NULL}, 0},
    {"every status", 5, {P("a"), FL("b"), ER("c", MEMORY), SK("d"), NS("e")},
     {NULL},
     PF_VERDICT_FAIL, 1, 4, 1, 1, 1, 1, {NULL}, 1},
    {"required skip fails", 2, {P("a"), RSK("b")}, {"a", "b", NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 0, 0, 1,
     {"required check \"b\" skipped", NULL}, 0},
    {"required skip alone fails", 1, {RSK("a")}, {"a", NULL},
     PF_VERDICT_FAIL, 1, 1, 0, 0, 0, 1,
     {"required check \"a\" skipped", NULL}, 0},
    {"required and optional skips with a pass", 4,
     {P("a"), SK("b"), RSK("c"), RSK("d")}, {"d", "a", "c", NULL},
     PF_VERDICT_FAIL, 1, 4, 1, 0, 0, 3,
     {"required check \"c\" skipped", "required check \"d\" skipped", NULL}, 0},
    {"six required skips among passes (issue 11)", 8,
     {P("a"), P("b"), RSK("u1"), RSK("u2"), RSK("u3"), RSK("u4"), RSK("u5"),
      RSK("u6")},
     {"a", "b", "u1", "u2", "u3", "u4", "u5", "u6", NULL},
     PF_VERDICT_FAIL, 1, 8, 2, 0, 0, 6,
     {"required check \"u1\" skipped", "required check \"u2\" skipped",
      "required check \"u3\" skipped", "required check \"u4\" skipped",
      "required check \"u5\" skipped", "required check \"u6\" skipped",
      NULL}, 0},
    {"a skip whose id only prefixes a manifest id is optional", 2,
     {P("a"), SK("redis")}, {"a", "redis.ping", NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 0, 0, 1,
     {"manifest id \"redis.ping\" did not run", NULL}, 0},
    {"required skip plus a fail", 2, {RSK("a"), FL("b")}, {"a", NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 1, 0, 1,
     {"required check \"a\" skipped", NULL}, 0},
    {"manifest id missing", 1, {P("a")}, {"a", "b", NULL},
     PF_VERDICT_FAIL, 1, 1, 1, 0, 0, 0,
     {"manifest id \"b\" did not run", NULL}, 0},
    {"two manifest ids missing", 1, {P("a")}, {"b", "a", "c", NULL},
     PF_VERDICT_FAIL, 1, 1, 1, 0, 0, 0,
     {"manifest id \"b\" did not run", "manifest id \"c\" did not run", NULL}, 0},
    {"manifest id not selected counts as missing", 2, {P("a"), NS("b")},
     {"a", "b", NULL},
     PF_VERDICT_FAIL, 1, 1, 1, 0, 0, 0,
     {"manifest id \"b\" did not run", NULL}, 1},
    {"only a not-selected manifest id", 1, {NS("a")}, {"a", NULL},
     PF_VERDICT_ERROR, 2, 0, 0, 0, 0, 0,
     {"manifest id \"a\" did not run", "no check ran", NULL}, 1},
    {"duplicate skips are contract errors, not skips", 3,
     {DUP("a", SKIP, NONE), DUP("a", SKIP, NONE), P("b")}, {"a", NULL},
     PF_VERDICT_FAIL, 1, 3, 1, 0, 2, 0,
     {"duplicate id \"a\" in 2 files", NULL}, 0},
    {"duplicate of a not-selected copy", 2,
     {DUP("a", NOT_SELECTED, NONE), DUP("a", PASS, NONE)}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 2, 0,
     {"duplicate id \"a\" in 2 files", NULL}, 0},
    {"manifest all present and pass", 3, {P("a"), P("b"), P("c")},
     {"c", "a", NULL},
     PF_VERDICT_PASS, 0, 3, 3, 0, 0, 0, {NULL}, 0},
    {"manifest id present but failed", 2, {P("a"), FL("b")}, {"a", "b", NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 1, 0, 0, {NULL}, 0},
    {"manifest id is a prefix of a check id", 1, {P("redis.ping")},
     {"redis", NULL},
     PF_VERDICT_FAIL, 1, 1, 1, 0, 0, 0,
     {"manifest id \"redis\" did not run", NULL}, 0},
    {"zero checks with a manifest", 0, {P(NULL)}, {"a", NULL},
     PF_VERDICT_ERROR, 2, 0, 0, 0, 0, 0,
     {"manifest id \"a\" did not run", "no check ran", NULL}, 0},
    {"duplicate ids", 3, {DUP("a", PASS, NONE), DUP("a", PASS, NONE), P("b")},
     {NULL},
     PF_VERDICT_FAIL, 1, 3, 1, 0, 2, 0,
     {"duplicate id \"a\" in 2 files", NULL}, 0},
    {"only duplicates", 2, {DUP("a", PASS, NONE), DUP("a", PASS, NONE)},
     {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 2, 0,
     {"duplicate id \"a\" in 2 files", NULL}, 0},
    {"three duplicates interleaved", 4,
     {DUP("x", PASS, NONE), FL("y"), DUP("x", PASS, NONE),
      DUP("x", FAIL, NONE)},
     {NULL},
     PF_VERDICT_FAIL, 1, 4, 0, 1, 3, 0,
     {"duplicate id \"x\" in 3 files", NULL}, 0},
    {"two duplicate pairs", 5,
     {DUP("b", PASS, NONE), DUP("a", PASS, NONE), P("c"),
      DUP("a", PASS, NONE), DUP("b", PASS, NONE)},
     {NULL},
     PF_VERDICT_FAIL, 1, 5, 1, 0, 4, 0,
     {"duplicate id \"a\" in 2 files", "duplicate id \"b\" in 2 files", NULL}, 0},
    {"duplicate of an error becomes contract", 2,
     {DUP("a", ERROR, TIMEOUT), DUP("a", PASS, NONE)},
     {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 2, 0,
     {"duplicate id \"a\" in 2 files", NULL}, 0},
    {"duplicate manifest id", 2, {DUP("a", PASS, NONE), DUP("a", PASS, NONE)},
     {"a", NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 2, 0,
     {"duplicate id \"a\" in 2 files", NULL}, 0},
    {"load error without id", 2, {ER(NULL, LOAD), P("a")}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 0, 1, 0, {NULL}, 0},
    {"only a load error", 1, {ER(NULL, LOAD)}, {NULL},
     PF_VERDICT_FAIL, 1, 1, 0, 0, 1, 0, {NULL}, 0},
    {"two checks without id are not duplicates", 2,
     {ER(NULL, LOAD), ER(NULL, CONTRACT)}, {NULL},
     PF_VERDICT_FAIL, 1, 2, 0, 0, 2, 0, {NULL}, 0},
    {"load error cannot stand in for a manifest id", 2,
     {ER(NULL, LOAD), P("a")}, {"a", "b", NULL},
     PF_VERDICT_FAIL, 1, 2, 1, 0, 1, 0,
     {"manifest id \"b\" did not run", NULL}, 0},
};

static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    assert_non_null(d);
    return d;
}

static void test_verdict_compute_table(void **state)
{
    size_t i, j, k;

    (void)state;
    for (i = 0; i < NROWS(verdict_rows); i++) {
        pf_check cs[MAXC];
        char fname[MAXC][32];
        size_t nman = 0, nprob = 0;
        pf_verdict v;

        memset(cs, 0, sizeof cs);
        for (j = 0; j < verdict_rows[i].nchecks; j++) {
            const cspec *s = &verdict_rows[i].c[j];
            snprintf(fname[j], sizeof fname[j], "f%zu.lua", j);
            cs[j].file = fname[j];
            cs[j].id = s->id ? xstrdup(s->id) : NULL;
            cs[j].title = xstrdup("T");
            cs[j].status = s->st;
            cs[j].reason = s->rs;
            cs[j].message = xstrdup("m");
        }
        while (verdict_rows[i].manifest[nman] != NULL)
            nman++;
        while (verdict_rows[i].problems[nprob] != NULL)
            nprob++;
        memset(&v, 0, sizeof v);
        /* stale counts must be reset, not added to */
        v.total = v.passed = v.failed = v.errored = v.skipped = 99;
        v.not_selected = 99;
        v.kind = PF_VERDICT_PASS;
        v.exit_code = 0;
        assert_int_equal(pf_verdict_compute(cs, verdict_rows[i].nchecks,
                                            (char *const *)verdict_rows[i]
                                                .manifest,
                                            nman, &v),
                         0);
        if (v.kind != verdict_rows[i].kind ||
            v.exit_code != verdict_rows[i].exit_code)
            fail_msg("row %zu (%s): got %s/%d, want %s/%d", i,
                     verdict_rows[i].name, pf_verdict_name(v.kind),
                     v.exit_code, pf_verdict_name(verdict_rows[i].kind),
                     verdict_rows[i].exit_code);
        if (v.total != verdict_rows[i].total ||
            v.passed != verdict_rows[i].passed ||
            v.failed != verdict_rows[i].failed ||
            v.errored != verdict_rows[i].errored ||
            v.skipped != verdict_rows[i].skipped ||
            v.not_selected != verdict_rows[i].not_selected)
            fail_msg("row %zu (%s): counts t%zu p%zu f%zu e%zu s%zu n%zu", i,
                     verdict_rows[i].name, v.total, v.passed, v.failed,
                     v.errored, v.skipped, v.not_selected);
        if (v.nproblems != nprob)
            fail_msg("row %zu (%s): %zu problems, want %zu (first: %s)", i,
                     verdict_rows[i].name, v.nproblems, nprob,
                     v.nproblems ? v.problems[0] : "-");
        for (k = 0; k < nprob; k++) {
            int found = 0;
            for (j = 0; j < v.nproblems; j++)
                found |= strstr(v.problems[j], verdict_rows[i].problems[k])
                         != NULL;
            if (!found)
                fail_msg("row %zu (%s): no problem mentions [%s]", i,
                         verdict_rows[i].name, verdict_rows[i].problems[k]);
        }
        for (j = 0; j < verdict_rows[i].nchecks; j++) {
            const cspec *s = &verdict_rows[i].c[j];
            if (cs[j].status != s->want_st || cs[j].reason != s->want_rs)
                fail_msg("row %zu (%s): check %zu is %s/%d, want %s/%d", i,
                         verdict_rows[i].name, j,
                         pf_status_name(cs[j].status), (int)cs[j].reason,
                         pf_status_name(s->want_st), (int)s->want_rs);
            /* a required skip says so first and keeps its own message */
            if (s->want_rs == PF_REASON_REQUIRED)
                assert_string_equal(cs[j].message,
                                    "required check skipped: m");
            else if (s->want_st != PF_STATUS_ERROR)
                assert_string_equal(cs[j].message, "m");
            /* the id and file are kept, even for duplicates */
            if (s->id)
                assert_string_equal(cs[j].id, s->id);
            else
                assert_null(cs[j].id);
            assert_ptr_equal(cs[j].file, fname[j]);
            pf_check_clear(&cs[j]);
        }
        pf_verdict_free(&v);
        assert_null(v.problems);
        assert_int_equal(v.nproblems, 0);
    }
}

/* A duplicate's message says which other file has the same id. */
static void test_verdict_duplicate_messages(void **state)
{
    pf_check cs[3];
    pf_verdict v;

    (void)state;
    memset(cs, 0, sizeof cs);
    memset(&v, 0, sizeof v);
    cs[0].file = (char *)"checks/one.lua";
    cs[1].file = (char *)"checks/two.lua";
    cs[2].file = NULL;
    cs[0].id = xstrdup("redis.ping");
    cs[1].id = xstrdup("other");
    cs[2].id = xstrdup("redis.ping");
    cs[0].status = cs[1].status = cs[2].status = PF_STATUS_PASS;
    cs[0].message = xstrdup("PONG");
    assert_int_equal(pf_verdict_compute(cs, 3, NULL, 0, &v), 0);
    assert_int_equal(v.kind, PF_VERDICT_FAIL);
    assert_int_equal(cs[0].status, PF_STATUS_ERROR);
    assert_int_equal(cs[0].reason, PF_REASON_CONTRACT);
    assert_string_equal(cs[0].message,
                        "duplicate id \"redis.ping\" (also in another file)");
    assert_int_equal(cs[2].status, PF_STATUS_ERROR);
    assert_string_equal(cs[2].message,
                        "duplicate id \"redis.ping\" (also in checks/one.lua)");
    assert_int_equal(cs[1].status, PF_STATUS_PASS);
    assert_null(cs[1].message);
    assert_int_equal(v.nproblems, 1);
    assert_string_equal(v.problems[0], "duplicate id \"redis.ping\" in 2 files");
    pf_check_clear(&cs[0]);
    pf_check_clear(&cs[1]);
    pf_check_clear(&cs[2]);
    pf_verdict_free(&v);
}

/* Duplicate marking over a large shuffled input equals a brute-force
 * count of each id. */
static void test_verdict_duplicates_match_brute_force(void **state)
{
    enum { N = 600 };
    pf_check *cs = calloc(N, sizeof *cs);
    int *dup = calloc(N, sizeof *dup);
    pf_verdict v;
    size_t i, j, ndup = 0, nskip = 0;
    uint32_t x = 12345;

    (void)state;
    assert_non_null(cs);
    assert_non_null(dup);
    for (i = 0; i < N; i++) {
        char id[32];
        x = x * 1103515245u + 12345u;
        /* about 400 distinct ids over 600 checks: many unique, some
         * twice, a few three or more times */
        snprintf(id, sizeof id, "c%03u", (unsigned)((x >> 8) % 400));
        cs[i].id = xstrdup(id);
        cs[i].status = (x >> 20) % 17 == 0 ? PF_STATUS_NOT_SELECTED
                                           : PF_STATUS_PASS;
    }
    /* a duplicate id is an error even when one copy was deselected by
     * --tag: the pack itself is broken */
    for (i = 0; i < N; i++) {
        for (j = 0; j < N; j++) {
            if (j != i && strcmp(cs[i].id, cs[j].id) == 0)
                dup[i] = 1;
        }
        ndup += (size_t)dup[i];
        nskip += !dup[i] && cs[i].status == PF_STATUS_NOT_SELECTED;
    }
    assert_true(ndup > 50); /* the input does exercise duplicates */
    memset(&v, 0, sizeof v);
    assert_int_equal(pf_verdict_compute(cs, N, NULL, 0, &v), 0);
    for (i = 0; i < N; i++) {
        pf_status want = dup[i] ? PF_STATUS_ERROR
                         : cs[i].status == PF_STATUS_NOT_SELECTED
                             ? PF_STATUS_NOT_SELECTED
                             : PF_STATUS_PASS;
        if (cs[i].status != want)
            fail_msg("check %zu (%s): %s, want %s", i, cs[i].id,
                     pf_status_name(cs[i].status), pf_status_name(want));
    }
    assert_int_equal(v.errored, ndup);
    assert_int_equal(v.passed, N - nskip - ndup);
    assert_int_equal(v.not_selected, nskip);
    assert_int_equal(v.skipped, 0);
    assert_int_equal(v.kind, PF_VERDICT_FAIL);
    for (i = 0; i < N; i++)
        pf_check_clear(&cs[i]);
    free(cs);
    free(dup);
    pf_verdict_free(&v);
}

/* A status value outside the enum (never sent, but the verdict must not
 * trust that) is not a pass, even next to passing checks. */
static void test_verdict_unknown_status_is_not_a_pass(void **state)
{
    pf_check cs[2];
    pf_verdict v;

    (void)state;
    memset(cs, 0, sizeof cs);
    memset(&v, 0, sizeof v);
    cs[0].id = xstrdup("a");
    cs[0].status = PF_STATUS_PASS;
    cs[1].id = xstrdup("b");
    cs[1].status = (pf_status)77;
    assert_int_equal(pf_verdict_compute(cs, 2, NULL, 0, &v), 0);
    assert_int_not_equal(v.kind, PF_VERDICT_PASS);
    assert_int_not_equal(v.exit_code, PF_EXIT_PASS);
    pf_check_clear(&cs[0]);
    pf_check_clear(&cs[1]);
    pf_verdict_free(&v);
}

static void test_verdict_name_table(void **state)
{
    static const struct {
        pf_verdict_kind k;
        const char *want;
    } rows[] = {
        {PF_VERDICT_PASS, "pass"},
        {PF_VERDICT_FAIL, "fail"},
        {PF_VERDICT_ERROR, "error"},
        {PF_VERDICT_REFUSED, "refused"},
        {(pf_verdict_kind)99, "error"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++)
        assert_string_equal(pf_verdict_name(rows[i].k), rows[i].want);
}

static void test_verdict_problem_appends(void **state)
{
    pf_verdict v;

    (void)state;
    memset(&v, 0, sizeof v);
    assert_int_equal(pf_verdict_problem(&v, "evidence: %s (%d)", "disk", 28),
                     0);
    assert_int_equal(pf_verdict_problem(&v, "second"), 0);
    assert_int_equal(v.nproblems, 2);
    assert_string_equal(v.problems[0], "evidence: disk (28)");
    assert_string_equal(v.problems[1], "second");
    pf_verdict_free(&v);
    assert_int_equal(v.nproblems, 0);
    pf_verdict_free(NULL);
}

/* ---- pf_manifest_parse ------------------------------------------------- */

static const struct {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen(text) */
    int rc;
    const char *ids; /* comma-joined, for rc 0 */
    const char *err; /* substring, for rc -1 */
} manifest_rows[] = {
    {"empty", "", 0, 0, "", NULL},
    {"one id", "redis.ping\n", 0, 0, "redis.ping", NULL},
    {"no final newline", "a\nb", 0, 0, "a,b", NULL},
    {"comments and blank lines",
     "# required checks\n\nredis.ping\n   # indented comment\n\t\ndb.ping\n",
     0, 0, "redis.ping,db.ping", NULL},
    {"only comments", "#a\n# b\n#\n", 0, 0, "", NULL},
    {"CRLF", "a\r\nb\r\n\r\nc", 0, 0, "a,b,c", NULL},
    {"surrounding spaces", "  a  \n\tb\t\n \t c.d-e_f \t\r\n", 0, 0,
     "a,b,c.d-e_f", NULL},
    {"order kept", "z\na\nm\n", 0, 0, "z,a,m", NULL},
    {"id of 128", NULL, 128, 0, "<128>", NULL},
    {"invalid id uppercase", "a\nRedis.ping\n", 0, -1, NULL,
     "line 2: \"Redis.ping\" is not a valid id"},
    {"invalid id leading dash", "-a\n", 0, -1, NULL, "line 1"},
    {"space inside", "a b\n", 0, -1, NULL, "line 1"},
    {"listed twice", "a\nb\n\na\n", 0, -1, NULL,
     "line 4: \"a\" listed twice"},
    {"listed twice with spaces", "a\n  a\r\n", 0, -1, NULL, "listed twice"},
    {"NUL byte", "a\0b\n", 4, -1, NULL, "NUL"},
    {"NUL byte at the end", "a\n\0", 3, -1, NULL, "NUL"},
    {"trailing comment after id", "redis.ping # the cache\n", 0, -1, NULL,
     "line 1"},
    {"trailing comment without space", "a#x\n", 0, -1, NULL, "line 1"},
    {"id of 129", NULL, 129, -1, NULL, "line 1: id too long"},
    {"UTF-8 BOM", "\xEF\xBB\xBF" "a\n", 0, -1, NULL,
     "starts with a UTF-8 byte order mark (bytes \\xEF\\xBB\\xBF)"},
    {"invisible bytes shown", "a\nb\xC2\xA0\x1B[2Jc\n", 0, -1, NULL,
     "line 2: \"b\\xC2\\xA0\\x1B[2Jc\" is not a valid id"},
    {"BOM on a later line", "a\n\xEF\xBB\xBF" "b\n", 0, -1, NULL,
     "line 2: \"\\xEF\\xBB\\xBFb\""},
    {"lone CR line break", "a\rb\n", 0, -1, NULL, "line 1"},
    {"comma separated", "a,b\n", 0, -1, NULL, "line 1"},
};

static void test_manifest_parse_table(void **state)
{
    size_t i, k;

    (void)state;
    for (i = 0; i < NROWS(manifest_rows); i++) {
        char longtext[200], err[256] = "", joined[1024] = "";
        const char *text = manifest_rows[i].text;
        size_t len = manifest_rows[i].len, n = 0;
        char **ids = NULL;
        int rc;

        if (text == NULL) { /* an id of len 'x' characters */
            memset(longtext, 'x', len);
            longtext[len] = '\n';
            longtext[len + 1] = '\0';
            text = longtext;
            len = strlen(text);
        } else if (len == 0) {
            len = strlen(text);
        }
        rc = pf_manifest_parse(text, len, &ids, &n, err, sizeof err);
        for (k = 0; k < n; k++) {
            if (k)
                strcat(joined, ",");
            strcat(joined, ids[k]);
        }
        if (rc != manifest_rows[i].rc)
            fail_msg("row %zu (%s): rc %d, want %d (err %s)", i,
                     manifest_rows[i].name, rc, manifest_rows[i].rc, err);
        if (rc == 0) {
            const char *want = manifest_rows[i].ids;
            char w[200];
            if (strcmp(want, "<128>") == 0) {
                memset(w, 'x', 128);
                w[128] = '\0';
                want = w;
            }
            if (strcmp(joined, want) != 0)
                fail_msg("row %zu (%s): ids [%s], want [%s]", i,
                         manifest_rows[i].name, joined, want);
        } else if (strstr(err, manifest_rows[i].err) == NULL) {
            fail_msg("row %zu (%s): err [%s] lacks [%s]", i,
                     manifest_rows[i].name, err, manifest_rows[i].err);
        }
        for (k = 0; k < n; k++)
            free(ids[k]);
        free(ids);
    }
}

/* Ids are appended to what the caller already holds, and a duplicate of
 * one of those is refused too. */
static void test_manifest_parse_appends(void **state)
{
    char **ids = NULL, err[256] = "";
    size_t n = 0, k;

    (void)state;
    assert_int_equal(pf_manifest_parse("a\nb\n", 4, &ids, &n, err, sizeof err),
                     0);
    assert_int_equal(pf_manifest_parse("c\n", 2, &ids, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(ids[0], "a");
    assert_string_equal(ids[1], "b");
    assert_string_equal(ids[2], "c");
    assert_int_equal(pf_manifest_parse("b\n", 2, &ids, &n, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "listed twice"));
    assert_int_equal(n, 3);
    for (k = 0; k < n; k++)
        free(ids[k]);
    free(ids);
}

/* 100,000 manifest ids and as many checks: the repeat, the missing ids and
 * the duplicate checks are all found (a quadratic scan took minutes). */
static void test_manifest_100k_ids(void **state)
{
    enum { N = 100000 };
    char *text = malloc((size_t)N * 12 + 32), **ids = NULL, err[256] = "";
    pf_check *cs = calloc(N + 2, sizeof *cs);
    size_t len = 0, n = 0, i, nmissing = 0;
    pf_verdict v;

    (void)state;
    assert_non_null(text);
    assert_non_null(cs);
    for (i = 0; i < N; i++)
        len += (size_t)sprintf(text + len, "m%06zu\n", (size_t)(N - 1 - i));
    len += (size_t)sprintf(text + len, "m050000\nm000007\n");
    /* the first repeat is on line N + 1; the ids before it are kept */
    assert_int_equal(pf_manifest_parse(text, len, &ids, &n, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "line 100001: \"m050000\" listed twice"));
    assert_int_equal(n, N);
    /* every id once: parsed whole, in order */
    for (i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    ids = NULL;
    n = 0;
    len -= 16;
    assert_int_equal(pf_manifest_parse(text, len, &ids, &n, err, sizeof err),
                     0);
    assert_int_equal(n, N);
    assert_string_equal(ids[0], "m099999");
    assert_string_equal(ids[N - 1], "m000000");
    /* checks: every id but each 1000th (those are missing), and two
     * checks sharing an id */
    for (i = 0; i < N; i++) {
        char id[32];
        snprintf(id, sizeof id, i % 1000 == 3 ? "other%06zu" : "m%06zu", i);
        cs[i].id = xstrdup(id);
        cs[i].status = PF_STATUS_PASS;
        nmissing += i % 1000 == 3;
    }
    cs[N].id = xstrdup("dup.a");
    cs[N + 1].id = xstrdup("dup.a");
    cs[N].status = cs[N + 1].status = PF_STATUS_PASS;
    memset(&v, 0, sizeof v);
    assert_int_equal(pf_verdict_compute(cs, N + 2, ids, n, &v), 0);
    assert_int_equal(v.kind, PF_VERDICT_FAIL);
    assert_int_equal(v.nproblems, 1 + nmissing);
    assert_non_null(strstr(v.problems[0], "duplicate id \"dup.a\""));
    for (i = 1; i < v.nproblems; i++) {
        /* in manifest order: m099003 first, m000003 last */
        char want[64];
        snprintf(want, sizeof want, "manifest id \"m%06zu\" did not run",
                 (size_t)(N - 1000 * i + 3));
        assert_string_equal(v.problems[i], want);
    }
    assert_int_equal(cs[N].status, PF_STATUS_ERROR);
    assert_int_equal(cs[N + 1].status, PF_STATUS_ERROR);
    assert_int_equal(cs[0].status, PF_STATUS_PASS);
    pf_verdict_free(&v);
    for (i = 0; i < N + 2; i++)
        pf_check_clear(&cs[i]);
    free(cs);
    for (i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(text);
}

/* Tag selection (pf_selected): one row per rule, each with a manifest of
 * one id and of several (the sorted path), so both lookups are covered. */
typedef struct {
    const char *name;
    const char *filters; /* space-separated --tag values, "" for none */
    const char *id;      /* NULL: no id */
    const char *tags;    /* space-separated check tags */
    int in_manifest;     /* the id is also listed in the manifest */
    int selected;
} select_row;

static const select_row select_rows[] = {
    {"no filter selects all", "", "a.b", "", 0, 1},
    {"no filter, no id", "", NULL, "", 0, 1},
    {"a matching tag", "x", "a.b", "y x", 0, 1},
    {"one of several filters", "p q x", "a.b", "x", 0, 1},
    {"no matching tag", "x", "a.b", "y z", 0, 0},
    {"no tags at all", "x", "a.b", "", 0, 0},
    {"a manifest id always runs", "x", "a.b", "y", 1, 1},
    {"no id is never a manifest id", "x", NULL, "y", 0, 0},
    {"a tag named like the id is no match", "a.b", "c.d", "", 0, 0},
};

/* Split s at spaces into at most 8 words in buf; returns the count. */
static size_t words(const char *s, char *buf, size_t buflen, char **out)
{
    size_t n = 0;
    char *p;

    snprintf(buf, buflen, "%s", s);
    for (p = strtok(buf, " "); p != NULL && n < 8; p = strtok(NULL, " "))
        out[n++] = p;
    return n;
}

static void test_select_table(void **state)
{
    size_t i, big;

    (void)state;
    for (i = 0; i < sizeof select_rows / sizeof select_rows[0]; i++) {
        const select_row *r = &select_rows[i];
        for (big = 0; big < 2; big++) {
            char fb[64], tb[64], *filters[8], *tags[8];
            char *man[4] = {(char *)"z.z", (char *)"m.m", (char *)"a.a",
                            (char *)"q.q"};
            size_t nf = words(r->filters, fb, sizeof fb, filters);
            size_t nt = words(r->tags, tb, sizeof tb, tags);
            size_t nm = big ? 4 : 1;
            pf_selection sel;
            int got;

            if (r->in_manifest)
                man[big ? 2 : 0] = (char *)r->id;
            pf_selection_init(&sel, filters, nf, man, nm);
            got = pf_selected(&sel, r->id, tags, nt);
            pf_selection_free(&sel);
            if (got != r->selected)
                fail_msg("row %s (manifest of %zu): selected %d, want %d",
                         r->name, nm, got, r->selected);
        }
    }
    /* no selection at all (NULL) selects every check */
    assert_int_equal(pf_selected(NULL, "a.b", NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_compute_table),
        cmocka_unit_test(test_verdict_unknown_status_is_not_a_pass),
        cmocka_unit_test(test_verdict_duplicate_messages),
        cmocka_unit_test(test_verdict_duplicates_match_brute_force),
        cmocka_unit_test(test_verdict_name_table),
        cmocka_unit_test(test_verdict_problem_appends),
        cmocka_unit_test(test_manifest_parse_table),
        cmocka_unit_test(test_manifest_parse_appends),
        cmocka_unit_test(test_manifest_100k_ids),
        cmocka_unit_test(test_select_table),
    };

    return cmocka_run_group_tests(tests, 0, NULL);
}
