/*
 * report_nagios.c: the run as a Nagios plugin's output (--report
 * nagios:FILE): one status line, "PREFLIGHT STATE - text | perfdata",
 * for a passive check, NRPE through a wrapper, or any monitor that reads
 * the plugin format. STATE follows the verdict (pass OK, fail and refused
 * CRITICAL, error UNKNOWN); the plugin exit code that goes with it is
 * pf_report_nagios_code. Text a check produced never reaches the line:
 * it names check ids, which the runner validated, and a run-level problem
 * with every control character and '|' shown as '?'.
 */
#include "report_formats.h"

#include <string.h>

#include "verdict.h"

/* The Nagios state of a verdict: 0 OK, 2 CRITICAL, 3 UNKNOWN. */
int pf_report_nagios_code(const pf_report *r)
{
    switch (r->verdict->kind) {
    case PF_VERDICT_PASS: return 0;
    case PF_VERDICT_FAIL:
    case PF_VERDICT_REFUSED: return 2;
    default: return 3;
    }
}

/* s with control characters and '|' as '?', at most max bytes. */
static void plain(pf_buf *b, const char *s, size_t max)
{
    size_t n = 0;

    for (; s != NULL && *s != '\0' && n < max; s++, n++) {
        unsigned char c = (unsigned char)*s;
        pf_buf_addc(b, c < 0x20 || c == 0x7F || c == '|' ? '?' : (char)c);
    }
    if (s != NULL && *s != '\0')
        pf_buf_adds(b, "...");
}

void pf_report_nagios(pf_buf *b, const pf_report *r)
{
    static const char *const states[] = {"OK", "WARNING", "CRITICAL",
                                         "UNKNOWN"};
    const pf_verdict *v = r->verdict;
    size_t i, shown = 0, bad = 0;

    pf_buf_addf(b, "PREFLIGHT %s - verdict %s (exit %d)",
                states[pf_report_nagios_code(r)], pf_verdict_name(v->kind),
                v->exit_code);
    if (r->arm_state != NULL && strcmp(r->arm_state, "not-required") != 0)
        pf_buf_addf(b, ", %s", r->arm_state);
    pf_buf_addf(b, ": %zu of %zu checks passed", v->passed, v->total);
    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        if (c->status != PF_STATUS_FAIL && c->status != PF_STATUS_ERROR &&
            !pf_check_required_skip(c))
            continue;
        if (bad++ < 5) {
            pf_buf_adds(b, shown++ ? ", " : "; not passed: ");
            plain(b, c->id ? c->id : c->file, 128);
        }
    }
    if (bad > shown)
        pf_buf_addf(b, " and %zu more", bad - shown);
    if (pf_report_run_entry(r)) { /* what no check shows */
        pf_buf_adds(b, "; ");
        plain(b, pf_report_run_message(r), 300);
    }
    pf_buf_adds(b, " (mode ");
    plain(b, r->mode, 32);
    pf_buf_addf(b,
                ") | checks=%zu;;;0 passed=%zu;;;0 failed=%zu;;;0 "
                "errored=%zu;;;0 skipped=%zu;;;0 not_selected=%zu;;;0 "
                "exit_code=%d;;;0;3 duration=%.3fs;;;0\n",
                v->total, v->passed, v->failed, v->errored, v->skipped,
                v->not_selected, v->exit_code, r->duration_ms / 1000.0);
}
