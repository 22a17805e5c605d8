/*
 * report_text.c: the text report and the progress line (see
 * report_text.h).
 */
#include "report_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "report_formats.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define BOLD_RED "\033[1;31m"
#define BOLD_GREEN "\033[1;32m"
#define YELLOW "\033[33m"
#define DIM "\033[2m"
#define RESET "\033[0m"

int pf_want_color(int fd)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

    return isatty(fd) && (nc == NULL || nc[0] == '\0') &&
           (term == NULL || strcmp(term, "dumb") != 0);
}

int pf_want_progress(int fd)
{
    const char *term = getenv("TERM");

    return isatty(fd) && (term == NULL || strcmp(term, "dumb") != 0);
}

/* 1 when the character decoded from k bytes as cp must not reach a
 * terminal: a control character (C0, DEL, C1), U+2028/U+2029, or invalid
 * UTF-8. Shown as '?', so a check cannot move the cursor or fake lines in
 * the operator's terminal. */
static int unsafe_char(uint32_t cp, size_t k)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
           cp == 0x2029 || (cp == 0xFFFD && k == 1);
}

/* Print s with every unsafe character shown as '?'. */
static void put_clean(FILE *out, const char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0, k;
    uint32_t cp;

    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        if (unsafe_char(cp, k))
            fputc('?', out);
        else
            fwrite(s + i, 1, k, out);
        i += k;
    }
}

/* The same, in place (the text only gets shorter). */
static void clean_inplace(char *s)
{
    size_t n = strlen(s), i = 0, o = 0, k;
    uint32_t cp;

    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        if (unsafe_char(cp, k)) {
            s[o++] = '?';
        } else {
            memmove(s + o, s + i, k);
            o += k;
        }
        i += k;
    }
    s[o] = '\0';
}

void pf_term_put(FILE *out, const char *s)
{
    put_clean(out, s);
}

void pf_term_put_lines(FILE *out, char *s)
{
    while (s != NULL && *s != '\0') {
        char *nl = strchr(s, '\n');
        if (nl != NULL)
            *nl = '\0';
        put_clean(out, s);
        fputc('\n', out);
        s = nl != NULL ? nl + 1 : NULL;
    }
}

void pf_term_clean(char *s)
{
    if (s != NULL)
        clean_inplace(s);
}

void pf_term_error(const char *fmt, ...)
{
    char small[1024], *m = small;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small && (m = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(m, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (m == NULL)
        m = small; /* the first part, cut at a character boundary */
    if (m == small && n >= (int)sizeof small)
        pf_cut_utf8(small, sizeof small - 1);
    fputs("preflight: ", stderr);
    put_clean(stderr, m);
    fputc('\n', stderr);
    if (m != small)
        free(m);
}

/* A required skip fails the run: it is shown in red like a failure. */
static const char *status_word(const pf_check *c, int color)
{
    switch (c->status) {
    case PF_STATUS_PASS: return color ? GREEN "✔ PASS " RESET : "PASS ";
    case PF_STATUS_FAIL: return color ? RED "✘ FAIL " RESET : "FAIL ";
    case PF_STATUS_SKIP:
        if (pf_check_required_skip(c))
            return color ? RED "✘ SKIP " RESET : "SKIP ";
        return color ? YELLOW "- SKIP " RESET : "SKIP ";
    case PF_STATUS_NOT_SELECTED: return color ? DIM "  -    " RESET : "-    ";
    default: break;
    }
    return color ? BOLD_RED "! ERROR" RESET : "ERROR";
}

/* --verbose: what identifies the check and what it reported, indented
 * under its line. */
static void check_details(FILE *out, const pf_check *c, int color)
{
    const char *ind = color ? "         " : "       ";
    const char *reason = pf_reason_name(c->reason);
    size_t i;

    fprintf(out, "%stitle:   ", ind);
    put_clean(out, c->title ? c->title : "(unknown)");
    fprintf(out, "\n%sfile:    ", ind);
    put_clean(out, c->file);
    if (c->sha256[0])
        fprintf(out, "  sha256 %s", c->sha256);
    if (c->ntags > 0) {
        fprintf(out, "\n%stags:    ", ind);
        for (i = 0; i < c->ntags; i++) {
            if (i)
                fputs(", ", out);
            put_clean(out, c->tags[i]);
        }
    }
    if ((c->status == PF_STATUS_ERROR || pf_check_required_skip(c)) &&
        reason != NULL)
        fprintf(out, "\n%sreason:  %s", ind, reason);
    for (i = 0; i < c->ndetails; i++) {
        if (c->details[i].key == NULL)
            continue;
        fprintf(out, "\n%sdetail:  ", ind);
        put_clean(out, c->details[i].key);
        fputs(" = ", out);
        put_clean(out, c->details[i].value);
    }
    fputc('\n', out);
}

void pf_report_logs(FILE *out, const pf_report *r)
{
    size_t i, j;

    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        for (j = 0; j < c->nlog; j++) {
            fputs("log ", out);
            put_clean(out, c->id ? c->id : c->file);
            fputs(": ", out);
            put_clean(out, c->log[j]);
            fputc('\n', out);
        }
    }
}

/* "N word" in colour when N > 0 and a colour is given. */
static void count(FILE *out, size_t n, const char *word, const char *col)
{
    if (col != NULL && n > 0)
        fprintf(out, "%s%zu %s%s", col, n, word, RESET);
    else
        fprintf(out, "%zu %s", n, word);
}

void pf_report_text_level(FILE *out, const pf_report *r, int color, int level)
{
    size_t i, w = 0;
    const pf_verdict *v = r->verdict;
    int refused = r->arm_state != NULL && strcmp(r->arm_state, "refused") == 0;

    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        size_t l = strlen(c->id ? c->id : c->file);
        if ((c->status != PF_STATUS_NOT_SELECTED || level > 0) && l > w)
            w = l;
    }
    if (w > 40)
        w = 40;
    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        const char *name = c->id ? c->id : c->file;
        size_t l = strlen(name);
        if (c->status == PF_STATUS_NOT_SELECTED && level <= 0)
            continue;
        if (c->status == PF_STATUS_PASS && level < 0)
            continue;
        fprintf(out, "%s  ", status_word(c, color));
        put_clean(out, name);
        if (c->status == PF_STATUS_NOT_SELECTED) {
            fprintf(out, "%*s  not selected by --tag\n",
                    (int)(w - (l < w ? l : w)), "");
            continue;
        }
        fprintf(out, "%*s  %6.0f ms  ", (int)(w - (l < w ? l : w)), "",
                c->duration_ms);
        if (c->status == PF_STATUS_ERROR && c->id == NULL) {
            fputc('[', out);
            put_clean(out, c->file); /* a file name can hold ESC, CR, LF */
            fputs("] ", out);
        }
        put_clean(out, c->message);
        fputc('\n', out);
        if (level > 0)
            check_details(out, c, color);
    }
    for (i = 0; i < v->nproblems; i++) {
        fputs(color ? BOLD_RED "  problem: " RESET : "  problem: ", out);
        put_clean(out, v->problems[i]);
        fputc('\n', out);
    }
    if (level >= 0) {
        fprintf(out, "\n%zu checks: ", v->total);
        count(out, v->passed, "passed", color ? GREEN : NULL);
        fputs(", ", out);
        count(out, v->failed, "failed", color ? RED : NULL);
        fputs(", ", out);
        count(out, v->errored, "errored", color ? BOLD_RED : NULL);
        fputs(", ", out);
        count(out, v->skipped, "skipped", color ? YELLOW : NULL);
        if (v->not_selected)
            fprintf(out, ", %zu not selected", v->not_selected);
        fprintf(out, " (%.0f ms, mode %s, http %s)\n", r->duration_ms, r->mode,
                r->http);
    }
    if (r->arm_state != NULL && strcmp(r->arm_state, "not-required") != 0 &&
        (level >= 0 || refused)) {
        if (color)
            fprintf(out, "arming: %s%s%s", refused ? BOLD_RED : BOLD_GREEN,
                    r->arm_state, RESET);
        else
            fprintf(out, "arming: %s", r->arm_state);
        if (r->max_notional_usd)
            fprintf(out, ", max notional %s USD", r->max_notional_usd);
        if (r->ceiling_usd)
            fprintf(out, " (ceiling %s USD)", r->ceiling_usd);
        fputc('\n', out);
        for (i = 0; i < r->narm_reasons; i++) {
            fputs(color ? YELLOW "  - " RESET : "  - ", out);
            put_clean(out, r->arm_reasons[i]);
            fputc('\n', out);
        }
    }
    if (color) {
        int ok = v->kind == PF_VERDICT_PASS;
        fprintf(out, "verdict: %s%s %s" RESET " (exit %d)\n",
                ok ? BOLD_GREEN : BOLD_RED, ok ? "✔" : "✘",
                pf_verdict_name(v->kind), v->exit_code);
    } else {
        fprintf(out, "verdict: %s (exit %d)\n", pf_verdict_name(v->kind),
                v->exit_code);
    }
}

/* ---- the progress line -------------------------------------------------- */

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pf_progress_init(pf_progress *p, FILE *out, const pf_redactor *redactor,
                      int color)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->redactor = redactor;
    p->color = color;
    p->started_ns = mono_ns();
}

static size_t term_columns(FILE *out)
{
    struct winsize ws;

    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

void pf_progress_update(void *ud, size_t done, size_t total,
                        const char *slowest, double slowest_ms)
{
    pf_progress *p = ud;
    char line[512];
    char *name = NULL;
    size_t len, max;

    if (mono_ns() - p->started_ns < 1000000000u)
        return;
    if (slowest != NULL) {
        name = p->redactor ? pf_redact(p->redactor, slowest) : strdup(slowest);
        if (name == NULL)
            return; /* an unmasked name is never shown */
        clean_inplace(name); /* as the report lines are */
        snprintf(line, sizeof line,
                 "%zu/%zu checks done, waiting for %s "
                 "(%.1f s)",
                 done, total, name, slowest_ms / 1000.0);
    } else {
        snprintf(line, sizeof line, "%zu/%zu checks done", done, total);
    }
    free(name);
    /* one screen line, cut at a UTF-8 character boundary */
    max = term_columns(p->out) - 1;
    len = strlen(line);
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)line[len] & 0xC0) == 0x80)
            len--;
        line[len] = '\0';
    }
    fprintf(p->out, "\r\033[K%s%s%s", p->color ? DIM : "", line,
            p->color ? RESET : "");
    fflush(p->out);
    p->shown = 1;
}

void pf_progress_end(pf_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
        p->shown = 0;
    }
}
