/*
 * verdict.c: the run's verdict and the manifest parser (see verdict.h).
 */
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pf_verdict_name(pf_verdict_kind k)
{
    switch (k) {
    case PF_VERDICT_PASS: return "pass";
    case PF_VERDICT_FAIL: return "fail";
    case PF_VERDICT_REFUSED: return "refused";
    case PF_VERDICT_ERROR: break;
    }
    return "error";
}

void pf_verdict_free(pf_verdict *v)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < v->nproblems; i++)
        free(v->problems[i]);
    free(v->problems);
    v->problems = NULL;
    v->nproblems = 0;
}

int pf_verdict_problem(pf_verdict *v, const char *fmt, ...)
{
    char msg[512], **p;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p = realloc(v->problems, (v->nproblems + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    v->problems = p;
    if ((p[v->nproblems] = strdup(msg)) == NULL)
        return -1;
    v->nproblems++;
    return 0;
}

/* An id and where it came from (a check's index or a manifest line),
 * sorted by id, then by position: qsort needs no context. */
typedef struct id_at {
    const char *id;
    size_t at;
} id_at;

static int cmp_id_at(const void *a, const void *b)
{
    const id_at *x = a, *y = b;
    int r = strcmp(x->id, y->id);

    return r ? r : (x->at > y->at) - (x->at < y->at);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The selection over these filters and manifest ids (both borrowed). */
void pf_selection_init(pf_selection *s, char *const *tags, size_t ntags,
                       char *const *manifest, size_t nmanifest)
{
    s->tags = tags;
    s->ntags = ntags;
    s->manifest = manifest;
    s->nmanifest = nmanifest;
    s->sorted = NULL;
    if (ntags > 0 && nmanifest > 1) {
        s->sorted = malloc(nmanifest * sizeof *s->sorted);
        if (s->sorted != NULL) {
            memcpy(s->sorted, manifest, nmanifest * sizeof *s->sorted);
            qsort(s->sorted, nmanifest, sizeof *s->sorted, cmp_str);
        }
    }
}

void pf_selection_free(pf_selection *s)
{
    free(s->sorted);
    s->sorted = NULL;
}

/* 1 when s is one of the n strings of list. */
static int in_list(char *const *list, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0)
            return 1;
    }
    return 0;
}

/* Selected: no filter, a manifest id, or a tag that is a filter. */
int pf_selected(const pf_selection *s, const char *id, char *const *tags,
                size_t ntags)
{
    size_t i;

    if (s == NULL || s->ntags == 0)
        return 1;
    if (id != NULL &&
        (s->sorted != NULL
             ? bsearch(&id, s->sorted, s->nmanifest, sizeof *s->sorted,
                       cmp_str) != NULL
             : in_list(s->manifest, s->nmanifest, id)))
        return 1;
    for (i = 0; i < ntags; i++) {
        if (in_list(s->tags, s->ntags, tags[i]))
            return 1;
    }
    return 0;
}

/* Indexes of the checks with an id, sorted by id then index in
 * O(n log n). Returns a malloc'd array of *m entries, or NULL. */
static size_t *sorted_by_id(pf_check *checks, size_t n, size_t *m)
{
    id_at *t = malloc((n ? n : 1) * sizeof *t);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), i, k = 0;

    if (t == NULL || idx == NULL) {
        free(t);
        free(idx);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (checks[i].id != NULL) { /* skipped copies count as duplicates too */
            t[k].id = checks[i].id;
            t[k++].at = i;
        }
    }
    if (k > 1)
        qsort(t, k, sizeof *t, cmp_id_at);
    for (i = 0; i < k; i++)
        idx[i] = t[i].at;
    free(t);
    *m = k;
    return idx;
}

/* The index of the check with this id among the checks that ran (not
 * left out by --tag), looked up in ran[0..m), the sorted_by_id indexes of
 * those checks; -1 when none did. */
static long ran_find(const pf_check *checks, const size_t *ran, size_t m,
                     const char *id)
{
    size_t lo = 0, hi = m;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(checks[ran[mid]].id, id);
        if (r == 0)
            return (long)ran[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int mark_duplicates(pf_check *checks, size_t n, pf_verdict *v)
{
    size_t m, i, j, *idx = sorted_by_id(checks, n, &m);

    if (idx == NULL)
        return -1;
    for (i = 0; i < m; i = j) {
        for (j = i + 1; j < m && strcmp(checks[idx[i]].id,
                                        checks[idx[j]].id) == 0;
             j++)
            ;
        if (j - i < 2)
            continue;
        if (pf_verdict_problem(v, "duplicate id \"%s\" in %zu files",
                               checks[idx[i]].id, j - i) != 0) {
            free(idx);
            return -1;
        }
        for (size_t k = i; k < j; k++) {
            pf_check *c = &checks[idx[k]];
            pf_check_set_error(c, PF_REASON_CONTRACT,
                               "duplicate id \"%s\" (also in %s)", c->id,
                               checks[idx[k == i ? i + 1 : i]].file
                                   ? checks[idx[k == i ? i + 1 : i]].file
                                   : "another file");
        }
    }
    free(idx);
    return 0;
}

/* A skip of a required check (its id is in the manifest) fails the run:
 * mark it (reason PF_REASON_REQUIRED, message prefixed, the check's own
 * message kept after it) and add a run-level problem. Returns 0 or -1. */
static int mark_required_skip(pf_check *c, pf_verdict *v)
{
    static const char prefix[] = "required check skipped: ";
    const char *own = c->message ? c->message : "";
    char *m;

    if (c->reason != PF_REASON_REQUIRED) { /* not twice */
        m = malloc(sizeof prefix + strlen(own));
        if (m == NULL)
            return -1;
        memcpy(m, prefix, sizeof prefix - 1);
        strcpy(m + sizeof prefix - 1, own);
        free(c->message);
        c->message = m;
        c->reason = PF_REASON_REQUIRED;
    }
    return pf_verdict_problem(v, "required check \"%s\" skipped", c->id);
}

int pf_verdict_compute(pf_check *checks, size_t n, char *const *manifest,
                       size_t nmanifest, pf_verdict *v)
{
    size_t i, j, k, m, *ran;

    v->kind = PF_VERDICT_ERROR;
    v->exit_code = PF_EXIT_ERROR;
    v->total = v->passed = v->failed = v->errored = v->skipped = 0;
    v->not_selected = 0;
    if (mark_duplicates(checks, n, v) != 0)
        return -1;
    for (i = 0; i < n; i++) {
        switch (checks[i].status) {
        case PF_STATUS_PASS: v->passed++; break;
        case PF_STATUS_FAIL: v->failed++; break;
        case PF_STATUS_SKIP: v->skipped++; break;
        case PF_STATUS_NOT_SELECTED: v->not_selected++; continue;
        case PF_STATUS_ERROR: v->errored++; break;
        }
        v->total++;
    }
    /* the ids that ran, sorted: each manifest id is a binary search */
    ran = sorted_by_id(checks, n, &m);
    if (ran == NULL)
        return -1;
    for (i = k = 0; i < m; i++) {
        if (checks[ran[i]].status != PF_STATUS_NOT_SELECTED)
            ran[k++] = ran[i];
    }
    for (j = 0; j < nmanifest; j++) {
        long at = ran_find(checks, ran, k, manifest[j]);
        if (at < 0) {
            if (pf_verdict_problem(v, "manifest id \"%s\" did not run",
                                   manifest[j]) != 0) {
                free(ran);
                return -1;
            }
        } else if (checks[at].status == PF_STATUS_SKIP &&
                   mark_required_skip(&checks[at], v) != 0) {
            free(ran);
            return -1;
        }
    }
    free(ran);
    if (v->total == 0) {
        if (pf_verdict_problem(v, "no check ran") != 0)
            return -1;
        return 0; /* error, exit 2: zero checks is never a pass */
    }
    /* every check skipped: nothing was shown to be ready */
    if (v->passed == 0 && v->failed == 0 && v->errored == 0 &&
        v->nproblems == 0 &&
        pf_verdict_problem(v, "no check passed (%zu skipped)", v->skipped) != 0)
        return -1;
    /* a pass needs every check that ran to be a pass or an optional skip
     * (a required skip always left a problem) */
    if (v->passed > 0 && v->passed + v->skipped == v->total &&
        v->failed == 0 && v->errored == 0 && v->nproblems == 0) {
        v->kind = PF_VERDICT_PASS;
        v->exit_code = PF_EXIT_PASS;
    } else {
        v->kind = PF_VERDICT_FAIL;
        v->exit_code = PF_EXIT_FAIL;
    }
    return 0;
}

/* At most 60 bytes of s for a message, every byte that is not printable
 * ASCII (and '"', '\\') shown as \xHH, so nothing in it is invisible. */
static void show_bytes(const char *s, size_t l, char *out, size_t outlen)
{
    size_t i, o = 0;

    for (i = 0; i < l && i < 60 && o + 5 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02X", c);
    }
    out[o] = '\0';
}

/* The first line of text (numbered from 1) that lists an id already in
 * ids[0..n), given line[k] for the ids from first on (the ones before
 * first came from an earlier manifest: line 0). Sorting a copy makes this
 * O(n log n). Returns 0 when no id is listed twice, (size_t)-1 when out of
 * memory; *dup is the id. */
static size_t first_repeat(char *const *ids, size_t n, size_t first,
                           const size_t *line, const char **dup)
{
    id_at *t = malloc((n ? n : 1) * sizeof *t);
    size_t i, best = 0;

    if (t == NULL)
        return (size_t)-1;
    for (i = 0; i < n; i++) {
        t[i].id = ids[i];
        t[i].at = i < first ? 0 : line[i - first];
    }
    qsort(t, n, sizeof *t, cmp_id_at);
    for (i = 1; i < n; i++) {
        /* the second of a run of equal ids is where it was listed twice */
        if (strcmp(t[i].id, t[i - 1].id) == 0 &&
            (i < 2 || strcmp(t[i].id, t[i - 2].id) != 0) &&
            (best == 0 || t[i].at < best)) {
            best = t[i].at;
            *dup = t[i].id;
        }
    }
    free(t);
    return best;
}

int pf_manifest_parse(const char *text, size_t len, char ***ids, size_t *n,
                      char *err, size_t errlen)
{
    size_t off = 0, line = 0, first = *n, cap = *n, *lines = NULL, dl;
    const char *dup = NULL;
    int rc = -1;

    err[0] = '\0';
    if (memchr(text, '\0', len) != NULL) {
        snprintf(err, errlen, "manifest contains a NUL byte");
        return -1;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        /* refused, not skipped: an editor that adds one may change more */
        snprintf(err, errlen,
                 "manifest starts with a UTF-8 byte order mark (bytes "
                 "\\xEF\\xBB\\xBF); save it as plain UTF-8 without one");
        return -1;
    }
    while (off < len) {
        const char *s = text + off, *nl = memchr(s, '\n', len - off);
        size_t l = nl ? (size_t)(nl - s) : len - off;
        char id[PF_MAX_ID + 1];

        off += l + (nl != NULL);
        line++;
        while (l > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            l--;
        }
        while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t' ||
                         s[l - 1] == '\r'))
            l--;
        if (l == 0 || s[0] == '#')
            continue;
        if (l > PF_MAX_ID) {
            snprintf(err, errlen, "manifest line %zu: id too long", line);
            break; /* a repeat on an earlier line is reported first */
        }
        memcpy(id, s, l);
        id[l] = '\0';
        if (!pf_id_valid(id)) {
            char shown[60 * 4 + 1];
            show_bytes(s, l, shown, sizeof shown);
            snprintf(err, errlen,
                     "manifest line %zu: \"%s\"%s is not a valid id "
                     "(^[a-z0-9][a-z0-9_.-]*$)",
                     line, shown, l > 60 ? "..." : "");
            break; /* a repeat on an earlier line is reported first */
        }
        if (*n == cap) { /* grow by doubling: O(n) copies in all */
            size_t nc = cap < 16 ? 32 : 2 * cap, *gl;
            char **grown = realloc(*ids, nc * sizeof *grown);
            if (grown == NULL)
                goto oom;
            *ids = grown;
            gl = realloc(lines, (nc - first) * sizeof *gl);
            if (gl == NULL)
                goto oom;
            lines = gl;
            cap = nc;
        }
        if (((*ids)[*n] = strdup(id)) == NULL)
            goto oom;
        lines[*n - first] = line;
        (*n)++;
    }
    dl = first_repeat(*ids, *n, first, lines, &dup);
    if (dl == (size_t)-1)
        goto oom;
    if (dl != 0) {
        snprintf(err, errlen, "manifest line %zu: \"%s\" listed twice", dl,
                 dup);
        /* keep only the ids before that line, as a line-by-line parse
         * stopping there would */
        while (*n > first && lines[*n - 1 - first] >= dl)
            free((*ids)[--*n]);
    }
    rc = err[0] ? -1 : 0;
    free(lines);
    return rc;
oom:
    snprintf(err, errlen, "out of memory");
    free(lines);
    return -1;
}
