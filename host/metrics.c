/*
 * metrics.c: the run as Prometheus metrics (--metrics FILE), in the text
 * exposition format that node-exporter's textfile collector reads.
 *
 * Every family has HELP and TYPE lines; every series is a gauge; samples
 * carry no timestamp (the collector refuses them). Label values escape
 * backslash, double quote and newline; other control characters are
 * dropped and invalid UTF-8 becomes U+FFFD, so any text a check produced
 * leaves the file parseable. The file is replaced atomically, so the
 * collector never reads half a run. The --metrics-label NAME=VALUE pairs
 * go first on every series, so two runs' files in one collector folder
 * (a cron run and a guarded exec) are distinct series.
 */
#include "report_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "guard.h"
#include "version.h"

static void label_value(pf_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0, k;
    uint32_t cp;

    pf_buf_addc(b, '"');
    while (i < n) {
        k = pf_utf8_next(s + i, n - i, &cp);
        if (cp == '\\')
            pf_buf_adds(b, "\\\\");
        else if (cp == '"')
            pf_buf_adds(b, "\\\"");
        else if (cp == '\n')
            pf_buf_adds(b, "\\n");
        else if (cp == 0xFFFD)
            pf_buf_adds(b, "\xEF\xBF\xBD");
        else if (cp >= 0x20 && cp != 0x7F)
            pf_buf_add(b, s + i, k);
        i += k;
    }
    pf_buf_addc(b, '"');
}

/* The labels preflight's own series use: a --metrics-label may not. */
static const char *const own_labels[] = {"id",   "file", "status", "state",
                                         "version", "mode", "http",
                                         "verdict", NULL};

int pf_metrics_label_check(const char *spec, char *why, size_t whylen)
{
    size_t n = strcspn(spec, "="), i;

    if (spec[n] != '=') {
        snprintf(why, whylen, "want NAME=VALUE");
        return -1;
    }
    for (i = 0; i < n; i++) {
        char c = spec[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9')))
            break;
    }
    if (n == 0 || i < n) {
        snprintf(why, whylen, "a label name is [a-zA-Z_][a-zA-Z0-9_]*");
        return -1;
    }
    if (n >= 2 && spec[0] == '_' && spec[1] == '_') {
        snprintf(why, whylen, "label names starting with __ are reserved");
        return -1;
    }
    if ((n == 3 && strncmp(spec, "job", 3) == 0) ||
        (n == 8 && strncmp(spec, "instance", 8) == 0)) {
        snprintf(why, whylen, "%.*s is set by Prometheus when it scrapes "
                 "(a textfile's is renamed exported_%.*s): choose another "
                 "name", (int)n, spec, (int)n, spec);
        return -1;
    }
    for (i = 0; own_labels[i] != NULL; i++) {
        if (strlen(own_labels[i]) == n && strncmp(spec, own_labels[i], n) == 0) {
            snprintf(why, whylen, "%s is a label of preflight's own series",
                     own_labels[i]);
            return -1;
        }
    }
    if (spec[n + 1] == '\0') {
        snprintf(why, whylen, "an empty value is no label: give a value");
        return -1;
    }
    return 0;
}

/* The start of a sample: name, and the --metrics-label labels; more
 * labels follow through label(), and end_labels() closes the set. */
typedef struct series {
    pf_buf *b;
    int open; /* a '{' was written */
} series;

static void start(series *x, pf_buf *b, const char *name, const pf_report *r)
{
    x->b = b;
    x->open = 0;
    pf_buf_adds(b, name);
    for (size_t i = 0; i < r->nmetric_labels; i++) {
        const char *l = r->metric_labels[i];
        size_t n = strcspn(l, "=");
        pf_buf_addc(b, x->open ? ',' : '{');
        x->open = 1;
        pf_buf_add(b, l, n);
        pf_buf_addc(b, '=');
        label_value(b, l + n + (l[n] == '='));
    }
}

static void label(series *x, const char *name, const char *value)
{
    pf_buf_addc(x->b, x->open ? ',' : '{');
    x->open = 1;
    pf_buf_adds(x->b, name);
    pf_buf_addc(x->b, '=');
    label_value(x->b, value);
}

static void end_labels(series *x)
{
    if (x->open)
        pf_buf_addc(x->b, '}');
}

static void family(pf_buf *b, const char *name, const char *help)
{
    pf_buf_addf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A sample value; a non-finite one (never expected) is written as 0. */
static void value(pf_buf *b, double v)
{
    if (!(v == v) || v > 1e300 || v < -1e300)
        v = 0;
    pf_buf_addf(b, " %.6f\n", v);
}

/* Checks are identified by {id, file}. A file named twice on the command
 * line would give the same pair twice, which is not a valid exposition:
 * only the first of equal pairs is written. The order is by pair. */
static int cmp_pair(const void *a, const void *b)
{
    const pf_check *x = *(const pf_check *const *)a;
    const pf_check *y = *(const pf_check *const *)b;
    int c = strcmp(x->id ? x->id : "", y->id ? y->id : "");

    return c ? c : strcmp(x->file ? x->file : "", y->file ? y->file : "");
}

/* A check's series: name{LABELS,id="...",file="..."} */
static void check_series(pf_buf *b, const char *name, const pf_report *r,
                         const pf_check *c)
{
    series x;

    start(&x, b, name, r);
    label(&x, "id", c->id ? c->id : "");
    label(&x, "file", c->file);
    end_labels(&x);
}

/* A detail as a sample value: integers and numbers as written, booleans
 * 1 or 0. Returns 0, or -1 when it is a string (not a sample). */
static int detail_number(const pf_detail *d, double *out)
{
    char *end;

    if (d->type == PF_DETAIL_BOOLEAN) {
        *out = strcmp(d->value, "true") == 0;
        return 0;
    }
    if (d->type != PF_DETAIL_INTEGER && d->type != PF_DETAIL_NUMBER)
        return -1;
    *out = strtod(d->value, &end);
    return *end == '\0' && end != d->value ? 0 : -1;
}

void pf_metrics_text(pf_buf *b, const pf_report *r)
{
    static const char *const states[] = {"not-required", "armed", "refused"};
    static const char *const statuses[] = {"pass", "fail", "error", "skip",
                                           "not-selected"};
    const pf_verdict *v = r->verdict;
    const pf_check **sorted = NULL;
    size_t i, k, ns = 0, counts[5] = {0, 0, 0, 0, 0};
    series x;

    if (r->nchecks > 0) {
        sorted = malloc(r->nchecks * sizeof *sorted);
        if (sorted == NULL) {
            b->oom = 1;
            return;
        }
    }
    for (i = 0; i < r->nchecks; i++) {
        const pf_check *c = &r->checks[i];
        if ((unsigned)c->status < 5)
            counts[c->status]++;
        if (c->status != PF_STATUS_NOT_SELECTED)
            sorted[ns++] = c;
    }
    if (ns > 1)
        qsort(sorted, ns, sizeof *sorted, cmp_pair);
    for (i = 0, k = 0; i < ns; i++) { /* one series per (id, file) */
        if (k == 0 || cmp_pair(&sorted[k - 1], &sorted[i]) != 0)
            sorted[k++] = sorted[i];
    }
    ns = k;

    family(b, "preflight_check_status",
           "1 when the check passed, 0 when it failed, errored or skipped "
           "(checks not selected by --tag are not listed).");
    for (i = 0; i < ns; i++) {
        check_series(b, "preflight_check_status", r, sorted[i]);
        pf_buf_adds(b, sorted[i]->status == PF_STATUS_PASS ? " 1\n" : " 0\n");
    }
    family(b, "preflight_check_skipped",
           "1 when the check returned preflight.skip, 2 when it did and is "
           "required (in the manifest: the run fails), 0 otherwise.");
    for (i = 0; i < ns; i++) {
        check_series(b, "preflight_check_skipped", r, sorted[i]);
        pf_buf_adds(b, pf_check_required_skip(sorted[i])        ? " 2\n"
                       : sorted[i]->status == PF_STATUS_SKIP ? " 1\n"
                                                            : " 0\n");
    }
    family(b, "preflight_check_duration_seconds",
           "Wall-clock time the check took, load included.");
    for (i = 0; i < ns; i++) {
        check_series(b, "preflight_check_duration_seconds", r, sorted[i]);
        value(b, sorted[i]->duration_ms / 1000.0);
    }
    family(b, "preflight_check_detail",
           "The check's numeric details (KPI values with their alert and "
           "kill thresholds beside them, e.g. fill_rate_pct and "
           "fill_rate_pct_alert_min; booleans as 1 or 0).");
    for (i = 0; i < ns; i++) {
        for (k = 0; k < sorted[i]->ndetails; k++) {
            const pf_detail *d = &sorted[i]->details[k];
            double dv;
            if (detail_number(d, &dv) != 0)
                continue;
            start(&x, b, "preflight_check_detail", r);
            label(&x, "id", sorted[i]->id ? sorted[i]->id : "");
            label(&x, "file", sorted[i]->file);
            label(&x, "detail", d->key);
            end_labels(&x);
            value(b, dv);
        }
    }
    free(sorted);

    family(b, "preflight_run_checks", "Checks of the last run by status.");
    for (i = 0; i < 5; i++) {
        start(&x, b, "preflight_run_checks", r);
        label(&x, "status", statuses[i]);
        end_labels(&x);
        pf_buf_addf(b, " %zu\n", counts[i]);
    }
    family(b, "preflight_run_verdict",
           "Verdict of the last run, as its exit code: 0 pass, 1 fail, "
           "2 error, 3 refused.");
    start(&x, b, "preflight_run_verdict", r);
    end_labels(&x);
    pf_buf_addf(b, " %d\n", v->exit_code);
    family(b, "preflight_arming_state",
           "1 for the arming state of the last run, 0 for the others.");
    for (i = 0; i < 3; i++) {
        start(&x, b, "preflight_arming_state", r);
        label(&x, "state", states[i]);
        end_labels(&x);
        pf_buf_addf(b, " %d\n", r->arm_state != NULL &&
                                    strcmp(r->arm_state, states[i]) == 0);
    }
    family(b, "preflight_run_duration_seconds",
           "Wall-clock time of the last run.");
    start(&x, b, "preflight_run_duration_seconds", r);
    end_labels(&x);
    value(b, r->duration_ms / 1000.0);
    family(b, "preflight_last_run_timestamp_seconds",
           "Unix time the last run finished.");
    start(&x, b, "preflight_last_run_timestamp_seconds", r);
    end_labels(&x);
    pf_buf_addf(b, " %lld.%03lld\n",
                (long long)(r->finished_ms / 1000),
                (long long)(r->finished_ms % 1000));
    family(b, "preflight_run_info",
           "Always 1; the labels describe the last run.");
    start(&x, b, "preflight_run_info", r);
    label(&x, "version", PF_VERSION);
    label(&x, "mode", r->mode);
    label(&x, "http", r->http);
    label(&x, "verdict", pf_verdict_name(v->kind));
    end_labels(&x);
    pf_buf_adds(b, " 1\n");
}

int pf_metrics_write(const char *path, const pf_report *r, char *err,
                     size_t errlen)
{
    pf_buf b;

    pf_buf_init(&b);
    pf_metrics_text(&b, r);
    return pf_atomic_write_buf(path, &b, "out of memory building the metrics",
                               err, errlen);
}

/* One guard series per check: NAME{labels,id=ID[,required=R]} VALUE. */
static void guard_sample(pf_buf *b, const pf_report *r, const char *name,
                         const pf_guard_check_state *st, int with_required)
{
    series x;

    start(&x, b, name, r);
    label(&x, "id", st->id);
    if (with_required)
        label(&x, "required", st->required ? "true" : "false");
    end_labels(&x);
}

void pf_metrics_guard_text(pf_buf *b, const pf_report *r,
                           const pf_guard_check_state *st, size_t n,
                           unsigned long cycles, double last_cycle_s,
                           int stopped)
{
    series x;
    size_t i;

    family(b, "preflight_guard_check_status",
           "1 when the guard check passed in the last guard cycle, 0 when "
           "not (fail, error, timeout or skip: missing data is an anomaly).");
    for (i = 0; i < n; i++) {
        if (!st[i].has_last)
            continue;
        guard_sample(b, r, "preflight_guard_check_status", &st[i], 0);
        pf_buf_adds(b, st[i].last == PF_STATUS_PASS ? " 1\n" : " 0\n");
    }
    family(b, "preflight_guard_check_failures_in_a_row",
           "Guard cycles in a row the check did not pass.");
    for (i = 0; i < n; i++) {
        guard_sample(b, r, "preflight_guard_check_failures_in_a_row", &st[i],
                     0);
        pf_buf_addf(b, " %d\n", st[i].in_a_row);
    }
    family(b, "preflight_guard_check_failures_limit",
           "guard_failures of the check: non-passes in a row that stop "
           "COMMAND when the check is required.");
    for (i = 0; i < n; i++) {
        guard_sample(b, r, "preflight_guard_check_failures_limit", &st[i], 1);
        pf_buf_addf(b, " %d\n", st[i].limit);
    }
    family(b, "preflight_guard_check_last_success_timestamp_seconds",
           "Unix time of the check's last pass in a guard cycle (0: none).");
    for (i = 0; i < n; i++) {
        guard_sample(b, r,
                     "preflight_guard_check_last_success_timestamp_seconds",
                     &st[i], 0);
        pf_buf_addf(b, " %lld.%03lld\n",
                    (long long)(st[i].last_pass_ms / 1000),
                    (long long)(st[i].last_pass_ms % 1000));
    }
    family(b, "preflight_guard_check_detail",
           "The guard check's numeric details in the last guard cycle (KPI "
           "values with their alert and kill thresholds beside them; "
           "booleans as 1 or 0): what Prometheus alerts on.");
    for (i = 0; i < n; i++) {
        const char *p = st[i].details.data, *end;
        for (; p != NULL && *p; p = end + 1) {
            char key[256];
            const char *tab = strchr(p, '\t');
            end = strchr(p, '\n');
            if (tab == NULL || end == NULL || tab > end ||
                (size_t)(tab - p) >= sizeof key)
                break;
            memcpy(key, p, (size_t)(tab - p));
            key[tab - p] = '\0';
            start(&x, b, "preflight_guard_check_detail", r);
            label(&x, "id", st[i].id);
            label(&x, "detail", key);
            end_labels(&x);
            pf_buf_addc(b, ' ');
            pf_buf_add(b, tab + 1, (size_t)(end - tab - 1));
            pf_buf_addc(b, '\n');
        }
    }
    family(b, "preflight_guard_cycles",
           "Guard cycles finished since COMMAND started.");
    start(&x, b, "preflight_guard_cycles", r);
    end_labels(&x);
    pf_buf_addf(b, " %lu\n", cycles);
    family(b, "preflight_guard_cycle_duration_seconds",
           "Wall-clock time of the last guard cycle.");
    start(&x, b, "preflight_guard_cycle_duration_seconds", r);
    end_labels(&x);
    value(b, last_cycle_s);
    family(b, "preflight_guard_stopped",
           "1 once COMMAND has ended (by itself or stopped by the guard).");
    start(&x, b, "preflight_guard_stopped", r);
    end_labels(&x);
    pf_buf_addf(b, " %d\n", stopped);
}
