/*
 * report_junit.c: the JUnit XML report (--format junit); the helpers it
 * shares with TAP are in report_common.c (see report_formats.h).
 *
 * The shape is the one Jenkins, GitLab and the GitHub test reporters read:
 * <testsuites> holding one <testsuite> with tests, failures, errors,
 * skipped, time and timestamp; one <testcase> per check (an optional skip
 * and a check left out by --tag as <skipped/>, a required skip as a
 * <failure type="required-skip">), classname the name of the
 * check file's folder (the same however PATH was typed), name its id (its
 * file's name when it never yielded one), time in seconds. Valid against
 * Jenkins xunit's junit-10.xsd (tests/consumers.sh): extras such as each
 * check's file are suite <property> elements, not attributes.
 */
#include "report_formats.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "version.h"

/*
 * Append s as XML character data. In an attribute value (attr != 0) tab
 * and newline are written as character references, which survive the
 * parser's attribute-value normalisation; CR always is. Characters XML 1.0
 * forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF) are dropped,
 * invalid UTF-8 becomes U+FFFD.
 */
static void xml_text(pf_buf *b, const char *s, int attr)
{
    size_t n = s ? strlen(s) : 0, i = 0, k;
    uint32_t cp;

    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        switch (cp) {
        case '&': pf_buf_adds(b, "&amp;"); break;
        case '<': pf_buf_adds(b, "&lt;"); break;
        case '>': pf_buf_adds(b, "&gt;"); break;
        case '"': pf_buf_adds(b, "&quot;"); break;
        case '\'': pf_buf_adds(b, "&apos;"); break;
        case '\r': pf_buf_adds(b, "&#13;"); break;
        case '\t': pf_buf_adds(b, attr ? "&#9;" : "\t"); break;
        case '\n': pf_buf_adds(b, attr ? "&#10;" : "\n"); break;
        case 0xFFFD: pf_buf_adds(b, "\xEF\xBF\xBD"); break;
        default:
            if (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF)
                pf_buf_add(b, s + i, k);
            break;
        }
        i += k;
    }
}

/* name="value" with a leading space. */
static void xml_attr(pf_buf *b, const char *name, const char *value)
{
    pf_buf_addf(b, " %s=\"", name);
    xml_text(b, value, 1);
    pf_buf_addc(b, '"');
}

static void property(pf_buf *b, const char *name, const char *value)
{
    pf_buf_adds(b, "      <property");
    xml_attr(b, "name", name);
    xml_attr(b, "value", value ? value : "");
    pf_buf_adds(b, "/>\n");
}

/* The name of the folder a check's file is in, into out: "checks" for
 * checks/a.lua, ./checks//a.lua and /srv/bot/checks/a.lua alike (the
 * folder resolved when it exists, so a bare a.lua or ../checks/a.lua
 * names it too); "preflight" when it has no name (the file system root,
 * no file). */
static void classname(const char *file, char *out, size_t outlen)
{
    char folder[PATH_MAX], real[PATH_MAX];
    const char *slash = file ? strrchr(file, '/') : NULL, *base;
    size_t n;

    if (file == NULL) {
        snprintf(out, outlen, "preflight");
        return;
    }
    if (slash == NULL)
        snprintf(folder, sizeof folder, ".");
    else
        snprintf(folder, sizeof folder, "%.*s",
                 (int)(slash == file ? 1 : slash - file), file);
    if (realpath(folder, real) != NULL)
        snprintf(folder, sizeof folder, "%s", real);
    /* lexically otherwise: the last name that is not "." or empty */
    n = strlen(folder);
    for (;;) {
        while (n > 0 && folder[n - 1] == '/')
            n--;
        folder[n] = '\0';
        base = strrchr(folder, '/');
        base = base ? base + 1 : folder;
        if (strcmp(base, ".") != 0 || base == folder)
            break;
        n = (size_t)(base - folder);
    }
    if (base[0] == '\0' || strcmp(base, ".") == 0)
        snprintf(out, outlen, "preflight");
    else
        snprintf(out, outlen, "%s", base);
}

/* A testcase's name: the check's id, its file's name only when it has
 * none (a file that did not load). */
static const char *case_name(const pf_check *c)
{
    const char *slash;

    if (c->id != NULL && c->id[0] != '\0')
        return c->id;
    if (c->file == NULL)
        return "";
    slash = strrchr(c->file, '/');
    return slash ? slash + 1 : c->file;
}

/* The body of a failure or error: the message, then what identifies the
 * check and its details, one per line. */
static void check_body(pf_buf *b, const pf_check *c)
{
    size_t i;

    xml_text(b, c->message, 0);
    pf_buf_adds(b, "\n\ntitle: ");
    xml_text(b, c->title, 0);
    pf_buf_adds(b, "\nfile: ");
    xml_text(b, c->file, 0);
    if (c->sha256[0])
        pf_buf_addf(b, "\nsha256: %s", c->sha256);
    for (i = 0; i < c->ndetails; i++) {
        if (c->details[i].key == NULL)
            continue;
        pf_buf_adds(b, "\ndetail ");
        xml_text(b, c->details[i].key, 0);
        pf_buf_adds(b, ": ");
        xml_text(b, c->details[i].value, 0);
    }
    pf_buf_addc(b, '\n');
}

static void testcase(pf_buf *b, const pf_check *c)
{
    char cls[PATH_MAX];
    const char *name = case_name(c);
    const char *reason = pf_reason_name(c->reason);

    classname(c->file, cls, sizeof cls);
    pf_buf_adds(b, "    <testcase");
    xml_attr(b, "classname", cls);
    xml_attr(b, "name", name);
    pf_buf_addf(b, " time=\"%.3f\">\n",
                c->status == PF_STATUS_NOT_SELECTED ? 0.0
                                                    : c->duration_ms / 1000.0);
    switch (c->status) {
    case PF_STATUS_PASS:
        pf_buf_adds(b, "      <system-out>");
        xml_text(b, c->message, 0);
        pf_buf_adds(b, "</system-out>\n");
        break;
    case PF_STATUS_NOT_SELECTED:
        pf_buf_adds(b, "      <skipped message=\"not selected by --tag\"/>\n");
        break;
    case PF_STATUS_SKIP: /* a required skip fails the run: a failure */
        if (!pf_check_required_skip(c)) {
            pf_buf_adds(b, "      <skipped");
            xml_attr(b, "message", c->message ? c->message : "");
            pf_buf_adds(b, "/>\n");
            break;
        }
        /* fall through */
    case PF_STATUS_FAIL:
        pf_buf_adds(b, "      <failure");
        xml_attr(b, "message", c->message ? c->message : "");
        pf_buf_adds(b, c->status == PF_STATUS_SKIP ? " type=\"required-skip\">"
                                                   : " type=\"fail\">");
        check_body(b, c);
        pf_buf_adds(b, "</failure>\n");
        break;
    default:
        pf_buf_adds(b, "      <error");
        xml_attr(b, "message", c->message ? c->message : "");
        xml_attr(b, "type", reason ? reason : "error");
        pf_buf_addc(b, '>');
        check_body(b, c);
        pf_buf_adds(b, "</error>\n");
        break;
    }
    pf_buf_adds(b, "    </testcase>\n");
}

/* The extra testcase for what no check shows (see pf_report_run_entry). */
static void run_testcase(pf_buf *b, const pf_report *r)
{
    const pf_verdict *v = r->verdict;
    size_t i;

    pf_buf_adds(b, "    <testcase classname=\"preflight\" name=\"run\" "
                   "time=\"0.000\">\n      <error");
    xml_attr(b, "message", pf_report_run_message(r));
    xml_attr(b, "type", pf_verdict_name(v->kind));
    pf_buf_addc(b, '>');
    pf_buf_addf(b, "verdict: %s (exit %d)\n", pf_verdict_name(v->kind),
                v->exit_code);
    for (i = 0; i < v->nproblems; i++) {
        pf_buf_adds(b, "problem: ");
        xml_text(b, v->problems[i], 0);
        pf_buf_addc(b, '\n');
    }
    if (r->narm_reasons > 0) {
        pf_buf_adds(b, "arming: ");
        xml_text(b, r->arm_state, 0);
        pf_buf_addc(b, '\n');
    }
    for (i = 0; i < r->narm_reasons; i++) {
        pf_buf_adds(b, "  - ");
        xml_text(b, r->arm_reasons[i], 0);
        pf_buf_addc(b, '\n');
    }
    pf_buf_adds(b, "</error>\n    </testcase>\n");
}

void pf_report_junit(pf_buf *b, const pf_report *r)
{
    const pf_verdict *v = r->verdict;
    size_t i, tests = 0, failures = 0, errors = 0, skipped = 0;
    int extra = pf_report_run_entry(r);
    char stamp[40], exit_text[16];
    time_t t = (time_t)(r->started_ms / 1000);
    struct tm tm;
    double secs = r->duration_ms / 1000.0;

    for (i = 0; i < r->nchecks; i++) {
        tests++;
        switch (r->checks[i].status) {
        case PF_STATUS_FAIL: failures++; break;
        case PF_STATUS_ERROR: errors++; break;
        case PF_STATUS_SKIP:
            if (pf_check_required_skip(&r->checks[i]))
                failures++;
            else
                skipped++;
            break;
        case PF_STATUS_NOT_SELECTED: skipped++; break;
        default: break;
        }
    }
    if (extra) {
        tests++;
        errors++;
    }
    /* xs:dateTime without a zone, as the JUnit schema has it; it is UTC */
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    if (secs < 0)
        secs = 0;

    pf_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    /* <testsuites> has no skipped attribute in Jenkins' junit-10.xsd */
    pf_buf_addf(b,
                "<testsuites name=\"preflight\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
                tests, failures, errors, secs);
    pf_buf_addf(b,
                "  <testsuite name=\"preflight\" tests=\"%zu\" "
                "failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                "time=\"%.3f\" timestamp=\"%s\"",
                tests, failures, errors, skipped, secs, stamp);
    xml_attr(b, "hostname", r->hostname ? r->hostname : "");
    pf_buf_adds(b, ">\n    <properties>\n");
    pf_rfc3339_ms(r->started_ms, stamp, sizeof stamp);
    snprintf(exit_text, sizeof exit_text, "%d", v->exit_code);
    property(b, "tool", PF_NAME " " PF_VERSION);
    property(b, "started_at", stamp);
    property(b, "mode", r->mode);
    property(b, "http", r->http);
    property(b, "arming", r->arm_state);
    property(b, "verdict", pf_verdict_name(v->kind));
    property(b, "exit_code", exit_text);
    /* what the schema has no testcase attribute for: each check's file,
     * as typed, by its testcase name */
    for (i = 0; i < r->nchecks; i++) {
        char key[300];
        snprintf(key, sizeof key, "file:%.280s", case_name(&r->checks[i]));
        property(b, key, r->checks[i].file);
    }
    pf_buf_adds(b, "    </properties>\n");
    for (i = 0; i < r->nchecks; i++)
        testcase(b, &r->checks[i]);
    if (extra)
        run_testcase(b, r);
    pf_buf_adds(b, "  </testsuite>\n</testsuites>\n");
}
