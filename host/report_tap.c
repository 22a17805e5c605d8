/*
 * report_tap.c: the TAP version 13 report (--format tap).
 *
 * One test line per check in run order, "ok" only for a pass, an optional
 * skip ("ok ... # SKIP message") and a check left out by --tag ("ok ...
 * # SKIP not selected by --tag"); a required skip is "not ok" (it fails
 * the run). Each is followed by a YAML block
 * indented two spaces. Every string in the YAML is a double-quoted scalar
 * with escapes, so no message can end the block, start a key or hide a
 * character a YAML parser refuses.
 */
#include "report_formats.h"

#include <string.h>

/* Append s as a YAML double-quoted scalar, quotes included. Escapes the
 * quote, the backslash, every C0 and C1 control, DEL, the characters YAML
 * treats as line breaks (U+0085, U+2028, U+2029), U+FEFF and the
 * non-characters U+FFFE/U+FFFF; invalid UTF-8 becomes \uFFFD. */
static void yaml_str(pf_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0, k;
    uint32_t cp;

    if (s == NULL) {
        pf_buf_adds(b, "null");
        return;
    }
    pf_buf_addc(b, '"');
    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        if (cp == '"')
            pf_buf_adds(b, "\\\"");
        else if (cp == '\\')
            pf_buf_adds(b, "\\\\");
        else if (cp == '\n')
            pf_buf_adds(b, "\\n");
        else if (cp == '\t')
            pf_buf_adds(b, "\\t");
        else if (cp == '\r')
            pf_buf_adds(b, "\\r");
        else if (cp < 0x20 || cp == 0x7F)
            pf_buf_addf(b, "\\x%02X", (unsigned)cp);
        else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
                 cp == 0xFEFF || cp == 0xFFFD || cp == 0xFFFE || cp == 0xFFFF)
            pf_buf_addf(b, "\\u%04X", (unsigned)cp);
        else
            pf_buf_add(b, s + i, k);
        i += k;
    }
    pf_buf_addc(b, '"');
}

/* A test description: TAP ends it at '#' (a directive) and at a newline,
 * so '#' and '\' are escaped and control bytes shown as '?'. */
static void description(pf_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0, k;
    uint32_t cp;

    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        if (cp == '#' || cp == '\\') {
            pf_buf_addc(b, '\\');
            pf_buf_addc(b, (char)cp);
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
                   cp == 0x2028 || cp == 0x2029 || cp == 0xFFFD) {
            pf_buf_addc(b, '?');
        } else {
            pf_buf_add(b, s + i, k);
        }
        i += k;
    }
}

static void check_entry(pf_buf *b, size_t num, const pf_check *c)
{
    size_t i, written = 0;
    const char *reason = pf_reason_name(c->reason);

    int skip = c->status == PF_STATUS_SKIP && !pf_check_required_skip(c);

    pf_buf_addf(b, "%s %zu - ",
                c->status == PF_STATUS_PASS || skip ||
                        c->status == PF_STATUS_NOT_SELECTED
                    ? "ok"
                    : "not ok",
                num);
    description(b, c->id ? c->id : c->file);
    if (c->status == PF_STATUS_NOT_SELECTED) {
        pf_buf_adds(b, " # SKIP not selected by --tag");
    } else if (skip) {
        pf_buf_adds(b, " # SKIP ");
        description(b, c->message);
    }
    pf_buf_adds(b, "\n  ---\n  id: ");
    yaml_str(b, c->id);
    pf_buf_adds(b, "\n  title: ");
    yaml_str(b, c->title);
    pf_buf_adds(b, "\n  file: ");
    yaml_str(b, c->file);
    pf_buf_addf(b, "\n  status: %s\n  reason: ", pf_status_name(c->status));
    yaml_str(b, c->status == PF_STATUS_ERROR ? (reason ? reason : "error")
                : pf_check_required_skip(c) ? reason
                                            : NULL);
    pf_buf_adds(b, "\n  message: ");
    yaml_str(b, c->message ? c->message : "");
    pf_buf_addf(b, "\n  duration_ms: %.3f\n",
                c->status == PF_STATUS_NOT_SELECTED ? 0.0 : c->duration_ms);
    for (i = 0; i < c->ndetails; i++) {
        if (c->details[i].key == NULL)
            continue;
        if (written++ == 0)
            pf_buf_adds(b, "  details:\n");
        pf_buf_adds(b, "    ");
        yaml_str(b, c->details[i].key);
        pf_buf_adds(b, ": ");
        yaml_str(b, c->details[i].value);
        pf_buf_addc(b, '\n');
    }
    pf_buf_adds(b, "  ...\n");
}

/* "  name:" and then one "    - item" line for each of the n items;
 * nothing when there are none. */
static void yaml_list(pf_buf *b, const char *name, char *const *items, size_t n)
{
    size_t i;

    if (n > 0)
        pf_buf_addf(b, "  %s:\n", name);
    for (i = 0; i < n; i++) {
        pf_buf_adds(b, "    - ");
        yaml_str(b, items[i]);
        pf_buf_addc(b, '\n');
    }
}

/* The extra test for what no check shows (see pf_report_run_entry). */
static void run_entry(pf_buf *b, size_t num, const pf_report *r)
{
    const pf_verdict *v = r->verdict;

    pf_buf_addf(b, "not ok %zu - run\n  ---\n  status: error\n  reason: ", num);
    yaml_str(b, pf_verdict_name(v->kind));
    pf_buf_adds(b, "\n  message: ");
    yaml_str(b, pf_report_run_message(r));
    pf_buf_addf(b, "\n  duration_ms: 0.000\n  exit_code: %d\n", v->exit_code);
    yaml_list(b, "problems", v->problems, v->nproblems);
    pf_buf_adds(b, "  arming: ");
    yaml_str(b, r->arm_state);
    pf_buf_addc(b, '\n');
    yaml_list(b, "arming_reasons", r->arm_reasons, r->narm_reasons);
    pf_buf_adds(b, "  ...\n");
}

void pf_report_tap(pf_buf *b, const pf_report *r)
{
    const pf_verdict *v = r->verdict;
    int extra = pf_report_run_entry(r);
    size_t i;

    pf_buf_addf(b, "TAP version 13\n1..%zu\n", r->nchecks + (extra ? 1 : 0));
    for (i = 0; i < r->nchecks; i++)
        check_entry(b, i + 1, &r->checks[i]);
    if (extra)
        run_entry(b, r->nchecks + 1, r);
    pf_buf_addf(b,
                "# %zu checks: %zu passed, %zu failed, %zu errored, "
                "%zu skipped",
                v->total, v->passed, v->failed, v->errored, v->skipped);
    if (v->not_selected)
        pf_buf_addf(b, ", %zu not selected", v->not_selected);
    pf_buf_addf(b, "\n# verdict: %s (exit %d)\n", pf_verdict_name(v->kind),
                v->exit_code);
}
