/*
 * test_reports.c: cmocka tests of the operator outputs: the JUnit, TAP and
 * metrics writers (host/report_junit.c, report_tap.c, metrics.c), the text
 * report's quiet and verbose levels and its progress line
 * (host/report_text.c), and the runner's progress callback.
 *
 * The writers get reports built here with hostile text (markup, quotes,
 * control bytes, invalid UTF-8, characters XML 1.0 forbids) and each
 * output is checked byte for byte where the escaping matters, and scanned
 * whole for anything its syntax forbids. The end-to-end test
 * (tests/outputs.sh) parses the real binary's output with real parsers.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h> /* after the four above, as cmocka requires */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "evidence.h"
#include "proto.h"
#include "redact.h"
#include "report_formats.h"
#include "report_text.h"
#include "runner.h"
#include "verdict.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixtures ------------------------------------------------------------ */

/* A report over checks[0..n) with the given verdict; strings are static. */
typedef struct fixture {
    pf_check checks[6];
    size_t n;
    pf_verdict v;
    pf_report r;
    char *problems[4];
    char *reasons[4];
} fixture;

static void fx_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->r.started_ms = 1795747080000LL; /* 2026-11-27T02:38:00Z */
    f->r.finished_ms = 1795747080250LL;
    f->r.duration_ms = 250.0;
    f->r.hostname = "host<1>";
    f->r.mode = "paper";
    f->r.http = "mock";
    f->r.arm_state = "not-required";
    f->r.verdict = &f->v;
    f->r.checks = f->checks;
    f->v.kind = PF_VERDICT_PASS;
    f->v.exit_code = PF_EXIT_PASS;
}

static pf_check *fx_add(fixture *f, const char *file, const char *id,
                        pf_status st, pf_reason reason, const char *msg)
{
    pf_check *c = &f->checks[f->n++];

    c->file = (char *)file;
    c->id = (char *)id;
    c->title = (char *)"a title";
    c->status = st;
    c->reason = reason;
    c->message = (char *)msg;
    c->duration_ms = 12.5;
    f->r.nchecks = f->n;
    f->v.total += st != PF_STATUS_NOT_SELECTED;
    f->v.passed += st == PF_STATUS_PASS;
    f->v.failed += st == PF_STATUS_FAIL;
    f->v.errored += st == PF_STATUS_ERROR;
    f->v.skipped += st == PF_STATUS_SKIP;
    f->v.not_selected += st == PF_STATUS_NOT_SELECTED;
    return c;
}

static void fx_verdict(fixture *f, pf_verdict_kind k, int exit_code)
{
    f->v.kind = k;
    f->v.exit_code = exit_code;
}

/* The text a writer produced, NUL-terminated (freed by the caller). */
static char *render(void (*w)(pf_buf *, const pf_report *), const pf_report *r)
{
    pf_buf b;

    pf_buf_init(&b);
    w(&b, r);
    assert_false(b.oom);
    return b.data;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t k = 0;
    const char *p = hay;

    while ((p = strstr(p, needle)) != NULL) {
        k++;
        p += strlen(needle);
    }
    return k;
}

#define assert_has(hay, needle)                                                \
    do {                                                                       \
        if (strstr((hay), (needle)) == NULL)                                   \
            fail_msg("'%s' not found in:\n%s", (needle), (hay));               \
    } while (0)
#define assert_lacks(hay, needle)                                              \
    do {                                                                       \
        if (strstr((hay), (needle)) != NULL)                                   \
            fail_msg("'%s' found in:\n%s", (needle), (hay));                   \
    } while (0)

/* The whole text is valid UTF-8 and has no byte below 0x20 but those
 * allowed (a string of them). */
static void assert_clean(const char *s, const char *allowed)
{
    size_t n = strlen(s), i = 0, k;
    uint32_t cp;

    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        if (cp == 0xFFFD && k == 1)
            fail_msg("invalid UTF-8 at byte %zu", i);
        if (cp < 0x20 && strchr(allowed, (int)cp) == NULL)
            fail_msg("control byte 0x%02x at byte %zu", (unsigned)cp, i);
        i += k;
    }
}

/* ---- UTF-8 decoding ------------------------------------------------------ */

static void test_utf8_next_table(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        size_t used;
        uint32_t cp;
    } rows[] = {
        {"A", 1, 1, 0x41},
        {"\xC3\xA9", 2, 2, 0xE9},
        {"\xE2\x82\xAC", 3, 3, 0x20AC},
        {"\xF0\x9F\x98\x80", 4, 4, 0x1F600},
        {"\xEF\xBF\xBE", 3, 3, 0xFFFE},
        {"\xC0\x80", 2, 1, 0xFFFD},         /* overlong NUL */
        {"\xE0\x80\xAF", 3, 1, 0xFFFD},     /* overlong '/' */
        {"\xED\xA0\x80", 3, 1, 0xFFFD},     /* surrogate */
        {"\xF4\x90\x80\x80", 4, 1, 0xFFFD}, /* above U+10FFFF */
        {"\xE2\x82", 2, 1, 0xFFFD},         /* truncated */
        {"\x80", 1, 1, 0xFFFD},             /* lone continuation */
        {"\xFF", 1, 1, 0xFFFD},
        {"\xC3(", 2, 1, 0xFFFD}, /* bad continuation */
    };
    size_t i, used;
    uint32_t cp;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        used = pf_utf8_next(rows[i].in, rows[i].n, &cp);
        if (used != rows[i].used || cp != rows[i].cp)
            fail_msg("row %zu: used %zu cp %X, want %zu %X", i, used,
                     (unsigned)cp, rows[i].used, (unsigned)rows[i].cp);
    }
}

/* ---- when the extra "run" entry appears -----------------------------------
 */

static void test_run_entry_table(void **state)
{
    static const struct {
        const char *name;
        pf_verdict_kind kind;
        pf_status status; /* of the one check; NOT_SELECTED: no check */
        int problem;
        const char *arm_state;
        int want;
    } rows[] = {
        {"pass", PF_VERDICT_PASS, PF_STATUS_PASS, 0, "not-required", 0},
        {"check fails", PF_VERDICT_FAIL, PF_STATUS_FAIL, 0, "not-required", 0},
        {"check errors", PF_VERDICT_FAIL, PF_STATUS_ERROR, 0, "not-required",
         0},
        {"missing manifest id", PF_VERDICT_FAIL, PF_STATUS_PASS, 1,
         "not-required", 1},
        {"fail and problem", PF_VERDICT_FAIL, PF_STATUS_FAIL, 1, "not-required",
         1},
        {"zero checks", PF_VERDICT_ERROR, PF_STATUS_NOT_SELECTED, 0,
         "not-required", 1},
        {"only an optional skip", PF_VERDICT_FAIL, PF_STATUS_SKIP, 0,
         "not-required", 1},
        {"paper arm refused", PF_VERDICT_REFUSED, PF_STATUS_PASS, 0, "refused",
         1},
        {"error, no word why", PF_VERDICT_ERROR, PF_STATUS_PASS, 0,
         "not-required", 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        fixture f;
        fx_init(&f);
        if (rows[i].status != PF_STATUS_NOT_SELECTED)
            fx_add(&f, "c/a.lua", "a.a", rows[i].status, PF_REASON_NONE, "m");
        fx_verdict(&f, rows[i].kind, 1);
        f.r.arm_state = rows[i].arm_state;
        if (rows[i].problem) {
            f.problems[0] = (char *)"manifest id \"x\" did not run";
            f.v.problems = f.problems;
            f.v.nproblems = 1;
        }
        if (pf_report_run_entry(&f.r) != rows[i].want)
            fail_msg("row %s: want %d", rows[i].name, rows[i].want);
    }
}

/* ---- JUnit --------------------------------------------------------------- */

static void test_junit_escapes_and_counts(void **state)
{
    fixture f;
    char *x;
    pf_check *c;

    (void)state;
    fx_init(&f);
    fx_add(&f, "checks/a.lua", "a.pass", PF_STATUS_PASS, PF_REASON_NONE,
           "ok <b>&amp;</b>");
    c = fx_add(&f, "checks/b.lua", "b.fail", PF_STATUS_FAIL, PF_REASON_NONE,
               "said \"no\" & 'why'\nline2\r\x01\x1b[31m\xff\xef\xbf\xbe!");
    c->details[0].key = (char *)"k<";
    c->details[0].value = (char *)"v>";
    c->ndetails = 1;
    fx_add(&f, "bare.lua", "c.err", PF_STATUS_ERROR, PF_REASON_TIMEOUT,
           "timeout: exceeded its 100 ms limit");
    fx_add(&f, "checks/d.lua", NULL, PF_STATUS_ERROR, PF_REASON_LOAD,
           "syntax error");
    fx_add(&f, "checks/e.lua", "e.skip", PF_STATUS_NOT_SELECTED, PF_REASON_NONE,
           NULL);
    fx_verdict(&f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    x = render(pf_report_junit, &f.r);

    assert_clean(x, "\t\n");
    assert_has(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    /* 5 checks, no extra entry: nothing beyond the checks went wrong */
    assert_has(x,
               "<testsuite name=\"preflight\" tests=\"5\" failures=\"1\" "
               "errors=\"2\" skipped=\"1\" time=\"0.250\" "
               "timestamp=\"2026-11-27T02:38:00\" hostname=\"host&lt;1&gt;\"");
    assert_int_equal(count_of(x, "<testsuite "), 1);
    assert_int_equal(count_of(x, "<testcase "), 5);
    /* Jenkins xunit's junit-10.xsd: no file attribute on a testcase and
     * no skipped on <testsuites>; the file is a suite property */
    assert_has(x, "<testsuites name=\"preflight\" tests=\"5\" "
                  "failures=\"1\" errors=\"2\" time=\"0.250\">\n");
    assert_lacks(x, " file=\"");
    assert_has(x, "<testcase classname=\"checks\" name=\"a.pass\" "
                  "time=\"0.013\">");
    assert_has(x, "<property name=\"file:a.pass\" value=\"checks/a.lua\"/>");
    assert_has(x, "<system-out>ok &lt;b&gt;&amp;amp;&lt;/b&gt;</system-out>");
    /* attribute: newline and CR as references; ESC, 0x01 and U+FFFE
     * dropped; the invalid byte is U+FFFD */
    assert_has(x, "<failure message=\"said &quot;no&quot; &amp; &apos;why"
                  "&apos;&#10;line2&#13;[31m\xef\xbf\xbd!\" type=\"fail\">"
                  "said &quot;no&quot; &amp; &apos;why&apos;\nline2&#13;");
    assert_has(x, "detail k&lt;: v&gt;");
    { /* a bare file name: the folder it is in, the working one */
        char cwd[PATH_MAX], want[PATH_MAX + 64];
        assert_non_null(getcwd(cwd, sizeof cwd));
        snprintf(want, sizeof want, "<testcase classname=\"%s\" "
                 "name=\"c.err\"", strrchr(cwd, '/') + 1);
        assert_has(x, want);
    }
    assert_has(x, "<error message=\"timeout: exceeded its 100 ms limit\" "
                  "type=\"timeout\">");
    assert_has(x, "name=\"d.lua\""); /* no id: its file's name */
    assert_has(x, "type=\"load\"");
    assert_has(x, "<skipped message=\"not selected by --tag\"/>");
    assert_lacks(x, "name=\"run\"");
    assert_has(x, "</testsuite>\n</testsuites>\n");
    free(x);
}

/* classname is the name of the check file's folder however PATH was
 * typed: relative, ./ and doubled slashes, absolute, a folder that does
 * not exist (lexically then); an id names the testcase, the file's name
 * only when there is none (issue 19). */
static void test_junit_classname_stable(void **state)
{
    fixture f;
    char *x, cwd[PATH_MAX], abs[PATH_MAX + 32];

    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(abs, sizeof abs, "%s/checks/c.lua", cwd);
    fx_init(&f);
    fx_add(&f, "checks/a.lua", "s.a", PF_STATUS_PASS, PF_REASON_NONE, "m");
    fx_add(&f, "./checks//b.lua", "s.b", PF_STATUS_PASS, PF_REASON_NONE, "m");
    fx_add(&f, abs, "s.c", PF_STATUS_PASS, PF_REASON_NONE, "m");
    fx_add(&f, "/nonexistent-pf/checks/./d.lua", "s.d", PF_STATUS_PASS,
           PF_REASON_NONE, "m");
    fx_add(&f, "/nonexistent-pf/checks//e.lua", "", PF_STATUS_ERROR,
           PF_REASON_LOAD, "m");
    fx_add(&f, "/f.lua", "s.f", PF_STATUS_PASS, PF_REASON_NONE, "m");
    x = render(pf_report_junit, &f.r);
    assert_int_equal(count_of(x, "<testcase classname=\"checks\" "), 5);
    assert_has(x, "<testcase classname=\"checks\" name=\"e.lua\"");
    assert_has(x, "<testcase classname=\"preflight\" name=\"s.f\"");
    assert_has(x, "<property name=\"file:s.b\" value=\"./checks//b.lua\"/>");
    free(x);
}

static void test_junit_run_problems_are_an_error_testcase(void **state)
{
    fixture f;
    char *x;

    (void)state;
    fx_init(&f);
    fx_verdict(&f, PF_VERDICT_ERROR, PF_EXIT_ERROR);
    f.problems[0] = (char *)"no check ran";
    f.problems[1] = (char *)"duplicate id \"a<b\"";
    f.v.problems = f.problems;
    f.v.nproblems = 2;
    x = render(pf_report_junit, &f.r);
    assert_has(x, "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\"");
    assert_has(x, "<testcase classname=\"preflight\" name=\"run\" "
                  "time=\"0.000\">\n      <error message=\"no check ran\" "
                  "type=\"error\">verdict: error (exit 2)\n"
                  "problem: no check ran\n"
                  "problem: duplicate id &quot;a&lt;b&quot;\n</error>");
    free(x);

    /* a refusal after passing checks shows its reasons */
    fx_init(&f);
    fx_add(&f, "c/a.lua", "a.a", PF_STATUS_PASS, PF_REASON_NONE, "fine");
    fx_verdict(&f, PF_VERDICT_REFUSED, PF_EXIT_REFUSED);
    f.r.arm_state = "refused";
    f.reasons[0] = (char *)"paper mode cannot be armed";
    f.r.arm_reasons = f.reasons;
    f.r.narm_reasons = 1;
    x = render(pf_report_junit, &f.r);
    assert_has(x, "tests=\"2\" failures=\"0\" errors=\"1\"");
    assert_has(x, "<error message=\"paper mode cannot be armed\" "
                  "type=\"refused\">");
    assert_has(x, "arming: refused\n  - paper mode cannot be armed\n");
    free(x);
}

/* ---- TAP ----------------------------------------------------------------- */

static void test_tap_lines_and_yaml_quoting(void **state)
{
    fixture f;
    char *t;
    pf_check *c;

    (void)state;
    fx_init(&f);
    fx_add(&f, "c/a.lua", "a.pass", PF_STATUS_PASS, PF_REASON_NONE, "fine");
    c = fx_add(&f, "c/b.lua", "b.fail", PF_STATUS_FAIL, PF_REASON_NONE,
               "x: \"q\" \\ #not\n  ...\n---\x01\x7f\xc2\x85\xe2\x80\xa8"
               "\xfe\xc3\xa9");
    c->details[0].key = (char *)"key: x";
    c->details[0].value = (char *)"- v";
    c->ndetails = 1;
    fx_add(&f, "c/#odd\\.lua", NULL, PF_STATUS_ERROR, PF_REASON_CRASH, "crash");
    fx_add(&f, "c/s.lua", "s.skip", PF_STATUS_NOT_SELECTED, PF_REASON_NONE,
           NULL);
    fx_verdict(&f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    t = render(pf_report_tap, &f.r);

    assert_clean(t, "\n");
    assert_true(strncmp(t, "TAP version 13\n1..4\n", 20) == 0);
    assert_has(t, "\nok 1 - a.pass\n  ---\n");
    assert_has(t, "\nnot ok 2 - b.fail\n  ---\n");
    assert_has(t, "  message: \"x: \\\"q\\\" \\\\ #not\\n  ...\\n---\\x01"
                  "\\x7F\\u0085\\u2028\\uFFFD\xc3\xa9\"\n");
    assert_has(t, "  details:\n    \"key: x\": \"- v\"\n");
    assert_has(t, "  status: fail\n  reason: null\n");
    assert_has(t, "  duration_ms: 12.500\n");
    /* a '#' in a description would start a directive */
    assert_has(t, "\nnot ok 3 - c/\\#odd\\\\.lua\n");
    assert_has(t, "  reason: \"crash\"\n");
    assert_has(t, "\nok 4 - s.skip # SKIP not selected by --tag\n");
    /* every block is closed, and no raw line in a block starts a new one */
    assert_int_equal(count_of(t, "\n  ---\n"), 4);
    assert_int_equal(count_of(t, "\n  ...\n"), 4);
    assert_has(t, "# verdict: fail (exit 1)\n");
    free(t);
}

static void test_tap_zero_checks_is_not_ok(void **state)
{
    fixture f;
    char *t;

    (void)state;
    fx_init(&f);
    fx_verdict(&f, PF_VERDICT_ERROR, PF_EXIT_ERROR);
    f.problems[0] = (char *)"no check ran";
    f.v.problems = f.problems;
    f.v.nproblems = 1;
    t = render(pf_report_tap, &f.r);
    /* never "1..0", which a harness reads as "all skipped" */
    assert_true(strncmp(t, "TAP version 13\n1..1\nnot ok 1 - run\n", 34) == 0);
    assert_has(t, "  problems:\n    - \"no check ran\"\n");
    assert_has(t, "  exit_code: 2\n");
    free(t);
}

/* ---- metrics ------------------------------------------------------------- */

static void test_metrics_series_and_escaping(void **state)
{
    fixture f;
    char *m;

    (void)state;
    fx_init(&f);
    fx_add(&f, "c/b.lua", "b.fail", PF_STATUS_FAIL, PF_REASON_NONE, "no");
    fx_add(&f, "c/a\"q\\\n\x01\xff.lua", "a.pass", PF_STATUS_PASS,
           PF_REASON_NONE, "ok");
    fx_add(&f, "c/b.lua", "b.fail", PF_STATUS_ERROR, PF_REASON_CONTRACT,
           "duplicate"); /* the same file named twice */
    fx_add(&f, "c/bad.lua", NULL, PF_STATUS_ERROR, PF_REASON_LOAD, "x");
    fx_add(&f, "c/s.lua", "s.skip", PF_STATUS_NOT_SELECTED, PF_REASON_NONE,
           NULL);
    fx_verdict(&f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    f.r.arm_state = "refused";
    m = render(pf_metrics_text, &f.r);

    assert_clean(m, "\n");
    assert_has(m, "# HELP preflight_check_status ");
    assert_has(m, "# TYPE preflight_check_status gauge\n");
    assert_has(m, "\npreflight_check_status{id=\"\",file=\"c/bad.lua\"} 0\n");
    assert_has(m, "\npreflight_check_status{id=\"a.pass\",file=\"c/a\\\"q"
                  "\\\\\\n\xef\xbf\xbd.lua\"} 1\n");
    assert_int_equal(count_of(m, "preflight_check_status{id=\"b.fail\""), 1);
    assert_int_equal(
        count_of(m, "preflight_check_duration_seconds{id=\"b.fail\""), 1);
    assert_lacks(m, "s.skip");
    assert_has(m, "preflight_check_duration_seconds{id=\"a.pass\",file=");
    assert_has(m, "} 0.012500\n");
    assert_has(m, "\npreflight_run_checks{status=\"error\"} 2\n");
    assert_has(m, "\npreflight_run_checks{status=\"skip\"} 0\n");
    assert_has(m, "\npreflight_run_checks{status=\"not-selected\"} 1\n");
    assert_has(m, "\npreflight_run_verdict 1\n");
    assert_has(m, "\npreflight_arming_state{state=\"refused\"} 1\n");
    assert_has(m, "\npreflight_arming_state{state=\"armed\"} 0\n");
    assert_has(m, "\npreflight_last_run_timestamp_seconds "
                  "1795747080.250\n");
    assert_has(m, "\npreflight_run_duration_seconds 0.250000\n");
    assert_has(m, "preflight_run_info{version=\"");
    /* every family has HELP and TYPE */
    assert_int_equal(count_of(m, "# HELP "), count_of(m, "# TYPE "));
    assert_int_equal(count_of(m, "# TYPE "), 10);
    free(m);
}

/* --metrics-label: first on every sample, escaped; names checked. */
static void test_metrics_labels(void **state)
{
    static const struct {
        const char *spec;
        int ok;
    } rows[] = {
        {"run=cron", 1},  {"A_b9=x", 1},  {"_x=1", 1},   {"run=a=b", 1},
        {"job=x", 0},     {"instance=x", 0}, {"__x=1", 0}, {"1x=1", 0},
        {"a-b=1", 0},     {"a.b=1", 0},   {"=v", 0},     {"x=", 0},
        {"x", 0},         {"id=1", 0},    {"file=1", 0}, {"status=1", 0},
        {"state=1", 0},   {"version=1", 0}, {"mode=1", 0}, {"http=1", 0},
        {"verdict=1", 0}, {"jobs=1", 1},  {"instances=1", 1},
    };
    char *labels[] = {"run=cron", "note=q\"\\\n\x01\xff"};
    char why[200], *m, *line;
    fixture f;
    size_t samples = 0;

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        why[0] = '\0';
        if ((pf_metrics_label_check(rows[i].spec, why, sizeof why) == 0) !=
            rows[i].ok)
            fail_msg("%s: want %s (%s)", rows[i].spec,
                     rows[i].ok ? "accepted" : "refused", why);
        if (!rows[i].ok)
            assert_true(why[0] != '\0');
    }
    fx_init(&f);
    fx_add(&f, "c/a.lua", "a.pass", PF_STATUS_PASS, PF_REASON_NONE, "ok");
    fx_verdict(&f, PF_VERDICT_PASS, PF_EXIT_PASS);
    f.r.metric_labels = labels;
    f.r.nmetric_labels = 2;
    m = render(pf_metrics_text, &f.r);
    for (line = strtok(m, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        samples++;
        if (strstr(line, "{run=\"cron\",note=\"q\\\"\\\\\\n\xef\xbf\xbd\"") ==
            NULL)
            fail_msg("sample without the labels first: %s", line);
    }
    assert_int_equal(samples, 15);
    free(m);
}

static void test_metrics_write_is_atomic_and_fails_loudly(void **state)
{
    fixture f;
    char dir[] = "/tmp/pf_metrics.XXXXXX", path[256], err[256];
    FILE *fp;
    char buf[64];

    (void)state;
    fx_init(&f);
    fx_add(&f, "c/a.lua", "a.a", PF_STATUS_PASS, PF_REASON_NONE, "ok");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/preflight.prom", dir);
    assert_int_equal(pf_metrics_write(path, &f.r, err, sizeof err), 0);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_true(strncmp(buf, "# HELP preflight_check_status", 29) == 0);
    unlink(path);
    rmdir(dir);
    /* the folder is gone now: an error, and no file */
    err[0] = '\0';
    assert_int_equal(pf_metrics_write(path, &f.r, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_int_equal(access(path, F_OK), -1);
}

/* ---- the text report's levels -------------------------------------------- */

static char *text_of(const pf_report *r, int level)
{
    char *s = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&s, &n);

    assert_non_null(out);
    pf_report_text_level(out, r, 0, level);
    fclose(out);
    return s;
}

static void test_text_quiet_and_verbose(void **state)
{
    fixture f;
    pf_check *c;
    char *q, *n, *v;

    (void)state;
    fx_init(&f);
    fx_add(&f, "c/a.lua", "a.pass", PF_STATUS_PASS, PF_REASON_NONE, "fine");
    c = fx_add(&f, "c/b.lua", "b.fail", PF_STATUS_FAIL, PF_REASON_NONE,
               "broken\x1b[2J");
    c->details[0].key = (char *)"open_orders";
    c->details[0].value = (char *)"3";
    c->ndetails = 1;
    c->tags[0] = (char *)"infra";
    c->ntags = 1;
    fx_add(&f, "c/s.lua", "s.skip", PF_STATUS_NOT_SELECTED, PF_REASON_NONE,
           NULL);
    fx_verdict(&f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    f.problems[0] = (char *)"manifest id \"m.x\" did not run";
    f.v.problems = f.problems;
    f.v.nproblems = 1;

    q = text_of(&f.r, PF_TEXT_QUIET);
    n = text_of(&f.r, PF_TEXT_NORMAL);
    v = text_of(&f.r, PF_TEXT_VERBOSE);

    assert_lacks(q, "a.pass");
    assert_has(q, "FAIL   b.fail");
    assert_has(q, "broken?[2J");
    assert_has(q, "  problem: manifest id");
    assert_lacks(q, "checks:");
    assert_has(q, "verdict: fail (exit 1)\n");

    assert_has(n, "PASS   a.pass");
    assert_has(n, "FAIL   b.fail");
    assert_lacks(n, "s.skip");
    assert_lacks(n, "title:");
    assert_has(n, "2 checks: 1 passed, 1 failed, 0 errored, 0 skipped, "
                  "1 not selected");

    assert_has(v, "PASS   a.pass");
    assert_has(v, "       title:   a title\n");
    assert_has(v, "       file:    c/b.lua\n");
    assert_has(v, "       tags:    infra\n");
    assert_has(v, "       detail:  open_orders = 3\n");
    assert_has(v, "-      s.skip");
    assert_has(v, "not selected by --tag");
    /* the columns line up: every duration ends at the same offset */
    {
        const char *a = strstr(v, "PASS   a.pass"),
                   *b = strstr(v, "FAIL   b.fail");
        assert_true(strstr(a, " ms ") - a == strstr(b, " ms ") - b);
    }
    free(q);
    free(n);
    free(v);
}

/* ---- skips (DESIGN 8.1) --------------------------------------------------- */

/* One run with an optional skip, a required skip and a check left out by
 * --tag, as every writer shows it: the required skip is a failure in
 * JUnit and "not ok" in TAP, the optional one a <skipped/> and a "# SKIP";
 * the counts agree with the summary. */
static void fx_skips(fixture *f)
{
    fx_init(f);
    fx_add(f, "c/a.lua", "a.pass", PF_STATUS_PASS, PF_REASON_NONE, "fine");
    fx_add(f, "c/o.lua", "o.skip", PF_STATUS_SKIP, PF_REASON_NONE,
           "binance is not in EXCHANGES #1");
    fx_add(f, "c/r.lua", "r.skip", PF_STATUS_SKIP, PF_REASON_REQUIRED,
           "required check skipped: upbit is not in EXCHANGES");
    fx_add(f, "c/n.lua", "n.out", PF_STATUS_NOT_SELECTED, PF_REASON_NONE,
           "deselected by --tag");
    fx_verdict(f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    f->problems[0] = (char *)"required check \"r.skip\" skipped";
    f->v.problems = f->problems;
    f->v.nproblems = 1;
}

static void test_skips_in_every_writer(void **state)
{
    fixture f;
    char *x;

    (void)state;
    fx_skips(&f);
    assert_int_equal(f.v.total, 3);
    assert_int_equal(f.v.skipped, 2);
    assert_int_equal(f.v.not_selected, 1);

    x = render(pf_report_junit, &f.r);
    /* 4 checks + the run entry; the required skip is a failure */
    assert_has(x, "<testsuite name=\"preflight\" tests=\"5\" failures=\"1\" "
                  "errors=\"1\" skipped=\"2\"");
    assert_has(x, "name=\"o.skip\" time=\"0.013\">\n"
                  "      <skipped message=\"binance is not in EXCHANGES "
                  "#1\"/>\n");
    assert_has(x, "name=\"r.skip\" time=\"0.013\">\n"
                  "      <failure message=\"required check skipped: upbit "
                  "is not in EXCHANGES\" type=\"required-skip\">");
    assert_has(x, "name=\"n.out\" time=\"0.000\">\n"
                  "      <skipped message=\"not selected by --tag\"/>\n");
    assert_has(x, "problem: required check &quot;r.skip&quot; skipped");
    free(x);

    x = render(pf_report_tap, &f.r);
    assert_has(x, "\n1..5\n");
    assert_has(x, "\nok 1 - a.pass\n");
    assert_has(x, "\nok 2 - o.skip # SKIP binance is not in EXCHANGES \\#1\n");
    assert_has(x, "\nnot ok 3 - r.skip\n");
    assert_lacks(x, "r.skip # SKIP");
    assert_has(x, "  status: skip\n  reason: \"required\"\n");
    assert_has(x, "  status: skip\n  reason: null\n");
    assert_has(x, "\nok 4 - n.out # SKIP not selected by --tag\n");
    assert_has(x, "  status: not-selected\n");
    assert_has(x, "\nnot ok 5 - run\n");
    assert_has(x, "# 3 checks: 1 passed, 0 failed, 0 errored, 2 skipped, "
                  "1 not selected\n");
    free(x);

    x = render(pf_metrics_text, &f.r);
    assert_has(x, "\npreflight_check_status{id=\"o.skip\",file=\"c/o.lua\"} 0\n");
    assert_has(x, "\npreflight_check_status{id=\"r.skip\",file=\"c/r.lua\"} 0\n");
    assert_has(x, "\npreflight_check_skipped{id=\"a.pass\",file=\"c/a.lua\"} 0\n");
    assert_has(x, "\npreflight_check_skipped{id=\"o.skip\",file=\"c/o.lua\"} 1\n");
    assert_has(x, "\npreflight_check_skipped{id=\"r.skip\",file=\"c/r.lua\"} 2\n");
    assert_lacks(x, "n.out");
    assert_has(x, "\npreflight_run_checks{status=\"pass\"} 1\n");
    assert_has(x, "\npreflight_run_checks{status=\"skip\"} 2\n");
    assert_has(x, "\npreflight_run_checks{status=\"not-selected\"} 1\n");
    assert_has(x, "\npreflight_run_verdict 1\n");
    free(x);

    x = text_of(&f.r, PF_TEXT_NORMAL);
    assert_has(x, "SKIP   o.skip");
    assert_has(x, "binance is not in EXCHANGES #1\n");
    assert_has(x, "SKIP   r.skip");
    assert_has(x, "required check skipped: upbit is not in EXCHANGES\n");
    assert_lacks(x, "n.out");
    assert_has(x, "\n3 checks: 1 passed, 0 failed, 0 errored, 2 skipped, "
                  "1 not selected (");
    free(x);
    /* quiet: what did not pass, skips included */
    x = text_of(&f.r, PF_TEXT_QUIET);
    assert_lacks(x, "a.pass");
    assert_has(x, "SKIP   r.skip");
    assert_has(x, "SKIP   o.skip");
    free(x);
    x = text_of(&f.r, PF_TEXT_VERBOSE);
    assert_has(x, "reason:  required\n");
    free(x);
}

/* A required skip is a failing check: the run entry is not needed for it,
 * but an optional skip alone never shows why the run did not pass. */
static void test_run_entry_skips(void **state)
{
    fixture f;

    (void)state;
    fx_init(&f);
    fx_add(&f, "c/r.lua", "r.skip", PF_STATUS_SKIP, PF_REASON_REQUIRED, "m");
    fx_verdict(&f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    assert_int_equal(pf_report_run_entry(&f.r), 0);
    fx_init(&f);
    fx_add(&f, "c/o.lua", "o.skip", PF_STATUS_SKIP, PF_REASON_NONE, "m");
    fx_verdict(&f, PF_VERDICT_FAIL, PF_EXIT_FAIL);
    assert_int_equal(pf_report_run_entry(&f.r), 1);
}

/* ---- the progress line printer ------------------------------------------- */

static void test_progress_line_waits_masks_and_clears(void **state)
{
    char *s = NULL;
    size_t n = 0, i;
    FILE *out = open_memstream(&s, &n);
    pf_redactor red;
    pf_progress p;
    char longname[300];

    (void)state;
    assert_non_null(out);
    pf_redactor_init(&red);
    assert_int_equal(pf_redactor_add(&red, "s3cretvalue"), 0);
    pf_progress_init(&p, out, &red, 0);

    /* within the first second: nothing */
    pf_progress_update(&p, 0, 3, "x.first", 10.0);
    fflush(out);
    assert_int_equal(n, 0);

    p.started_ns -= 2000000000u; /* as if the run began 2 s ago */
    pf_progress_update(&p, 1, 3, "id.s3cretvalue", 1500.0);
    fflush(out);
    assert_has(s, "\r\033[K1/3 checks done, waiting for id.*** (1.5 s)");
    assert_lacks(s, "s3cretvalue");
    assert_true(p.shown);

    /* a file name cannot drive the terminal: C0, C1 (CSI, 2 bytes),
     * U+2028 and invalid UTF-8 all show as '?', as in the report */
    pf_progress_update(&p, 1, 3,
                       "a\x1b[2Jb\xc2\x9b" "1Jc\xe2\x80\xa8" "d\xff" "e",
                       1500.0);
    fflush(out);
    assert_has(s, "waiting for a?[2Jb?1Jc?d?e (1.5 s)");
    assert_lacks(s, "\xc2\x9b");
    assert_lacks(s, "\xe2\x80\xa8");

    /* cut to the terminal (80 columns when it cannot be asked) */
    for (i = 0; i + 1 < sizeof longname; i++)
        longname[i] = 'a' + (char)(i % 26);
    longname[sizeof longname - 1] = '\0';
    pf_progress_update(&p, 2, 3, longname, 1.0);
    fflush(out);
    {
        const char *last = strrchr(s, '\r');
        assert_true(strlen(last) - 4 <= 79); /* "\r\033[K" is 4 bytes */
    }
    pf_progress_update(&p, 3, 3, NULL, 0.0);
    fflush(out);
    assert_has(s, "\r\033[K3/3 checks done");
    pf_progress_end(&p);
    fflush(out);
    assert_false(p.shown);
    assert_true(n >= 4 && strcmp(s + n - 4, "\r\033[K") == 0);
    fclose(out);
    free(s);
    pf_redactor_free(&red);
}

/* ---- the runner's progress callback -------------------------------------- */

typedef struct calls {
    size_t n;
    pid_t pid;
    int from_other_process;
    uint64_t at[200];
    size_t done[200], total[200];
    int named_slow; /* the slow check was named at least once */
    double max_ms;
} calls;

static void record(void *ud, size_t done, size_t total, const char *slowest,
                   double slowest_ms)
{
    calls *c = ud;

    if (getpid() != c->pid)
        c->from_other_process = 1;
    if (c->n < NROWS(c->at)) {
        c->at[c->n] = pf_now_ns();
        c->done[c->n] = done;
        c->total[c->n] = total;
        c->n++;
    }
    if (slowest != NULL && strcmp(slowest, "slow.one") == 0)
        c->named_slow = 1;
    if (slowest_ms > c->max_ms)
        c->max_ms = slowest_ms;
}

/* A worker that names its check, takes 450 ms, then passes. */
static void slow_worker(const pf_worker_config *cfg, const pf_check *checks,
                        size_t n, int jfd, int rfd)
{
    unsigned char jb[16];
    pf_buf b;
    pf_check c;

    (void)cfg, (void)checks, (void)n;
    while (read(jfd, jb, sizeof jb) == (ssize_t)sizeof jb) {
        pf_job j;
        pf_job_unpack(jb, &j);
        pf_buf_init(&b);
        if (j.index == 0) {
            pf_proto_start(&b, 2000, "slow.one");
            if (write(rfd, b.data, b.len) != (ssize_t)b.len)
                _exit(9);
            b.len = 0;
            usleep(450000);
        }
        memset(&c, 0, sizeof c);
        c.has_job_index = 1;
        c.job_index = j.index;
        c.id = (char *)(j.index == 0 ? "slow.one" : "fast.two");
        c.title = (char *)"t";
        c.status = PF_STATUS_PASS;
        c.message = (char *)"ok";
        pf_proto_result(&b, &c);
        if (write(rfd, b.data, b.len) != (ssize_t)b.len)
            _exit(9);
        pf_buf_free(&b);
    }
    _exit(0);
}

static void test_runner_progress_callback(void **state)
{
    pf_run_config cfg;
    pf_check cs[2];
    calls rec;
    size_t i;

    (void)state;
    pf_run_config_init(&cfg);
    cfg.timeout_ms = 3000;
    cfg.run_timeout_ms = 10000;
    cfg.jobs = 2;
    cfg.sb.root = "/";
    cfg.worker_main = slow_worker;
    memset(&rec, 0, sizeof rec);
    rec.pid = getpid();
    cfg.progress = record;
    cfg.progress_ud = &rec;
    memset(cs, 0, sizeof cs);
    cs[0].file = (char *)"slow.lua";
    cs[1].file = (char *)"fast.lua";

    assert_int_equal(pf_run(&cfg, cs, 2, PF_JOB_RUN), 0);
    assert_int_equal(cs[0].status, PF_STATUS_PASS);
    assert_int_equal(cs[1].status, PF_STATUS_PASS);
    /* 450 ms of waiting: called, though no worker reported in between */
    assert_true(rec.n >= 2);
    assert_false(rec.from_other_process);
    assert_true(rec.named_slow);
    assert_true(rec.max_ms >= 100.0);
    for (i = 0; i < rec.n; i++) {
        assert_int_equal(rec.total[i], 2);
        assert_true(rec.done[i] <= 2);
        if (i > 0) {
            assert_true(rec.done[i] >= rec.done[i - 1]);
            /* at most every PF_PROGRESS_MS (the runner's own clock reads
             * a little before ours) */
            assert_true(rec.at[i] - rec.at[i - 1] >=
                        (uint64_t)(PF_PROGRESS_MS - 5) * 1000000u);
        }
    }
    for (i = 0; i < 2; i++)
        pf_check_clear(&cs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_next_table),
        cmocka_unit_test(test_run_entry_table),
        cmocka_unit_test(test_junit_escapes_and_counts),
        cmocka_unit_test(test_junit_classname_stable),
        cmocka_unit_test(test_junit_run_problems_are_an_error_testcase),
        cmocka_unit_test(test_tap_lines_and_yaml_quoting),
        cmocka_unit_test(test_tap_zero_checks_is_not_ok),
        cmocka_unit_test(test_metrics_series_and_escaping),
        cmocka_unit_test(test_metrics_labels),
        cmocka_unit_test(test_metrics_write_is_atomic_and_fails_loudly),
        cmocka_unit_test(test_text_quiet_and_verbose),
        cmocka_unit_test(test_skips_in_every_writer),
        cmocka_unit_test(test_run_entry_skips),
        cmocka_unit_test(test_progress_line_waits_masks_and_clears),
        cmocka_unit_test(test_runner_progress_callback),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
