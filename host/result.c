/*
 * result.c: helpers over pf_check (see result.h).
 */
#include "result.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pf_check_clear(pf_check *c)
{
    size_t i;

    if (c == NULL)
        return;
    free(c->id);
    free(c->title);
    free(c->message);
    for (i = 0; i < c->ntags; i++)
        free(c->tags[i]);
    for (i = 0; i < c->ndetails; i++) {
        free(c->details[i].key);
        free(c->details[i].value);
    }
    for (i = 0; i < c->nmodules; i++)
        free(c->modules[i].path);
    free(c->modules);
    c->modules = NULL;
    c->nmodules = 0;
    for (i = 0; i < c->nlog; i++)
        free(c->log[i]);
    c->id = c->title = c->message = NULL;
    c->ntags = c->ndetails = c->nlog = 0;
    c->sha256[0] = '\0';
    c->timeout_ms = 0;
    c->guard_failures = 0;
    c->has_job_index = 0;
    c->job_index = 0;
    c->status = PF_STATUS_ERROR;
    c->reason = PF_REASON_NONE;
}

const char *pf_status_name(pf_status s)
{
    switch (s) {
    case PF_STATUS_PASS: return "pass";
    case PF_STATUS_FAIL: return "fail";
    case PF_STATUS_SKIP: return "skip";
    case PF_STATUS_NOT_SELECTED: return "not-selected";
    case PF_STATUS_ERROR: break;
    }
    return "error";
}

const char *pf_reason_name(pf_reason r)
{
    switch (r) {
    case PF_REASON_TIMEOUT: return "timeout";
    case PF_REASON_MEMORY: return "memory";
    case PF_REASON_CRASH: return "crash";
    case PF_REASON_CONTRACT: return "contract";
    case PF_REASON_LOAD: return "load";
    case PF_REASON_RUNTIME: return "runtime";
    case PF_REASON_REQUIRED: return "required";
    case PF_REASON_NONE: break;
    }
    return NULL;
}

int pf_check_add_module(pf_check *c, const char *path, size_t len,
                        const char *sha256)
{
    pf_module *m;

    if (c->nmodules >= PF_MAX_MODULES || len == 0 ||
        len > PF_MAX_MODULE_PATH || memchr(path, '\0', len) != NULL)
        return -1;
    m = realloc(c->modules, (c->nmodules + 1) * sizeof *m);
    if (m == NULL)
        return -1;
    c->modules = m;
    m += c->nmodules;
    if ((m->path = malloc(len + 1)) == NULL)
        return -1;
    memcpy(m->path, path, len);
    m->path[len] = '\0';
    memcpy(m->sha256, sha256, 64);
    m->sha256[64] = '\0';
    c->nmodules++;
    return 0;
}

int pf_check_required_skip(const pf_check *c)
{
    return c->status == PF_STATUS_SKIP && c->reason == PF_REASON_REQUIRED;
}

static int is_lower_digit(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

int pf_id_valid(const char *s)
{
    size_t i;

    if (s == NULL || !is_lower_digit(s[0]))
        return 0;
    for (i = 1; s[i]; i++) {
        if (!is_lower_digit(s[i]) && s[i] != '_' && s[i] != '.' &&
            s[i] != '-')
            return 0;
    }
    return i <= PF_MAX_ID;
}

int pf_tag_valid(const char *s)
{
    size_t i;

    if (s == NULL || s[0] == '\0')
        return 0;
    for (i = 0; s[i]; i++) {
        if (!is_lower_digit(s[i]) && s[i] != '_' && s[i] != '-')
            return 0;
    }
    return i <= 64;
}

void pf_check_set_error(pf_check *c, pf_reason reason, const char *fmt, ...)
{
    va_list ap;
    char msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(c->message);
    c->message = strdup(msg);
    c->status = PF_STATUS_ERROR;
    c->reason = reason;
}

/*
 * A typed detail value is copied unquoted into the evidence, so it must be
 * valid JSON by itself: an integer is -?(0|[1-9][0-9]*) with at most 20
 * digits; a number follows JSON's number grammar (at most 32 bytes); a
 * boolean is true or false.
 */
static size_t json_digits(const char *v, size_t i)
{
    while (v[i] >= '0' && v[i] <= '9')
        i++;
    return i;
}

static int json_int_ok(const char *v, size_t *end)
{
    size_t i = v[0] == '-', j;

    if (v[i] == '0') {
        *end = i + 1;
        return 1;
    }
    if (v[i] < '1' || v[i] > '9')
        return 0;
    j = json_digits(v, i);
    *end = j;
    return j - i <= 20;
}

int pf_detail_value_ok(pf_detail_type t, const char *v)
{
    size_t i, j;

    switch (t) {
    case PF_DETAIL_STRING:
        return 1;
    case PF_DETAIL_BOOLEAN:
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    case PF_DETAIL_INTEGER:
        return json_int_ok(v, &i) && v[i] == '\0';
    case PF_DETAIL_NUMBER:
        if (strlen(v) > 32 || !json_int_ok(v, &i))
            return 0;
        if (v[i] == '.') {
            j = json_digits(v, i + 1);
            if (j == i + 1)
                return 0;
            i = j;
        }
        if (v[i] == 'e' || v[i] == 'E') {
            i++;
            if (v[i] == '+' || v[i] == '-')
                i++;
            j = json_digits(v, i);
            if (j == i)
                return 0;
            i = j;
        }
        return v[i] == '\0' && isfinite(strtod(v, NULL));
    }
    return 0;
}
