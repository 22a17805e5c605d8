/*
 * report_common.c: what the machine-readable writers (report_junit.c,
 * report_tap.c) share: whether a report needs the extra "run" entry for
 * what no check shows, and its message. Kept apart so that no writer
 * calls into another's file.
 */
#include "report_formats.h"

#include <string.h>

/* The message of the extra "run" entry (see report_formats.h). */
const char *pf_report_run_message(const pf_report *r)
{
    const pf_verdict *v = r->verdict;

    return v->nproblems      ? v->problems[0]
           : r->narm_reasons ? r->arm_reasons[0]
           : v->total == 0   ? "no check ran"
                             : "the run did not pass";
}

/* 1 when the report needs the extra "run" entry (see report_formats.h). */
int pf_report_run_entry(const pf_report *r)
{
    const pf_verdict *v = r->verdict;
    size_t i;

    if (v->kind == PF_VERDICT_PASS)
        return 0;
    if (v->nproblems > 0)
        return 1;
    if (r->arm_state != NULL && strcmp(r->arm_state, "refused") == 0)
        return 1;
    for (i = 0; i < r->nchecks; i++) {
        if (r->checks[i].status == PF_STATUS_FAIL ||
            r->checks[i].status == PF_STATUS_ERROR ||
            pf_check_required_skip(&r->checks[i]))
            return 0;
    }
    return 1;
}
