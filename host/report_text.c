/*
 * report_text.c: the text report (see report_text.h).
 */
#include "report_text.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pf_want_color(int fd)
{
    const char *nc = getenv("NO_COLOR");

    return isatty(fd) && (nc == NULL || nc[0] == '\0');
}

/* Print s with control characters shown as '?', so a check cannot move
 * the cursor or fake lines in the operator's terminal. */
static void put_clean(FILE *out, const char *s)
{
    for (; s && *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

static const char *status_word(pf_status s, int color)
{
    switch (s) {
    case PF_STATUS_PASS: return color ? "\033[32m✔ PASS \033[0m" : "PASS ";
    case PF_STATUS_FAIL: return color ? "\033[31m✘ FAIL \033[0m" : "FAIL ";
    default: break;
    }
    return color ? "\033[1;31m! ERROR\033[0m" : "ERROR";
}

void pf_report_text(FILE *out, const pf_report *r, int color)
{
    size_t i, w = 0;
    const pf_verdict *v = r->verdict;

    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        size_t l = strlen(c->id ? c->id : c->file);
        if (c->status != PF_STATUS_SKIP && l > w)
            w = l;
    }
    if (w > 40)
        w = 40;
    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        const char *name = c->id ? c->id : c->file;
        if (c->status == PF_STATUS_SKIP)
            continue;
        fprintf(out, "%s  ", status_word(c->status, color));
        put_clean(out, name);
        fprintf(out, "%*s  %6.0f ms  ", (int)(w - (strlen(name) < w ? strlen(name) : w)),
                "", c->duration_ms);
        if (c->status == PF_STATUS_ERROR && c->id == NULL)
            fprintf(out, "[%s] ", c->file);
        put_clean(out, c->message);
        fputc('\n', out);
    }
    for (i = 0; i < v->nproblems; i++) {
        fputs("  problem: ", out);
        put_clean(out, v->problems[i]);
        fputc('\n', out);
    }
    fprintf(out, "\n%zu checks: %zu passed, %zu failed, %zu errored", v->total,
            v->passed, v->failed, v->errored);
    if (v->skipped)
        fprintf(out, ", %zu skipped by --tag", v->skipped);
    fprintf(out, " (%.0f ms, mode %s, http %s)\n", r->duration_ms, r->mode,
            r->http);
    if (r->arm_state != NULL && strcmp(r->arm_state, "not-required") != 0) {
        fprintf(out, "arming: %s", r->arm_state);
        if (r->max_notional_usd)
            fprintf(out, ", max notional %s USD", r->max_notional_usd);
        if (r->ceiling_usd)
            fprintf(out, " (ceiling %s USD)", r->ceiling_usd);
        fputc('\n', out);
        for (i = 0; i < r->narm_reasons; i++) {
            fputs("  - ", out);
            put_clean(out, r->arm_reasons[i]);
            fputc('\n', out);
        }
    }
    if (color) {
        const char *col = v->kind == PF_VERDICT_PASS ? "\033[1;32m" : "\033[1;31m";
        fprintf(out, "verdict: %s%s\033[0m (exit %d)\n", col,
                pf_verdict_name(v->kind), v->exit_code);
    } else {
        fprintf(out, "verdict: %s (exit %d)\n", pf_verdict_name(v->kind),
                v->exit_code);
    }
}
