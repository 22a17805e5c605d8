/*
 * redact.c: secret masking (see redact.h).
 */
#include "redact.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pf_redactor_init(pf_redactor *r)
{
    r->values = NULL;
    r->n = 0;
}

void pf_redactor_free(pf_redactor *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n; i++)
        free(r->values[i]);
    free(r->values);
    pf_redactor_init(r);
}

int pf_redactor_add(pf_redactor *r, const char *value)
{
    char **v;
    size_t i;

    if (value == NULL || value[0] == '\0')
        return 0;
    for (i = 0; i < r->n; i++) {
        if (strcmp(r->values[i], value) == 0)
            return 0;
    }
    v = realloc(r->values, (r->n + 1) * sizeof *v);
    if (v == NULL)
        return -1;
    r->values = v;
    if ((v[r->n] = strdup(value)) == NULL)
        return -1;
    r->n++;
    return 0;
}

/* Case-insensitive substring test. */
static int has_word(const char *name, size_t n, const char *word)
{
    size_t w = strlen(word), i;

    for (i = 0; i + w <= n; i++) {
        if (strncasecmp(name + i, word, w) == 0)
            return 1;
    }
    return 0;
}

static int secret_name_n(const char *name, size_t n)
{
    static const char *const words[] = {"KEY", "SECRET", "TOKEN", "PASSWORD",
                                        "PASSPHRASE"};
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (has_word(name, n, words[i]))
            return 1;
    }
    return 0;
}

int pf_secret_name(const char *name)
{
    return secret_name_n(name, strlen(name));
}

int pf_redactor_from_env(pf_redactor *r, char **envp, char **extra,
                         size_t nextra)
{
    size_t i, j;

    for (i = 0; envp != NULL && envp[i] != NULL; i++) {
        const char *eq = strchr(envp[i], '=');
        int wanted;
        if (eq == NULL)
            continue;
        wanted = secret_name_n(envp[i], (size_t)(eq - envp[i]));
        for (j = 0; !wanted && j < nextra; j++) {
            size_t len = strlen(extra[j]);
            wanted = len == (size_t)(eq - envp[i]) &&
                     strncmp(envp[i], extra[j], len) == 0;
        }
        if (wanted && pf_redactor_add(r, eq + 1) != 0)
            return -1;
    }
    return 0;
}

char *pf_redact(const pf_redactor *r, const char *s)
{
    size_t n, i, k, outlen = 0;
    unsigned char *cover = NULL;
    char *out = NULL, *o;
    int any = 0;

    if (s == NULL)
        return NULL;
    n = strlen(s);
    cover = calloc(n + 1, 1);
    if (cover == NULL)
        return NULL;
    for (k = 0; k < r->n; k++) {
        size_t vlen = strlen(r->values[k]);
        const char *p = s;
        while ((p = strstr(p, r->values[k])) != NULL) {
            memset(cover + (p - s), 1, vlen);
            any = 1;
            p++; /* overlapping occurrences too */
        }
    }
    if (!any) {
        free(cover);
        return strdup(s);
    }
    for (i = 0; i < n; i++) {
        if (!cover[i])
            outlen++;
        else if (i == 0 || !cover[i - 1])
            outlen += sizeof PF_REDACT_MASK - 1;
    }
    out = malloc(outlen + 1);
    if (out != NULL) {
        o = out;
        for (i = 0; i < n; i++) {
            if (!cover[i]) {
                *o++ = s[i];
            } else if (i == 0 || !cover[i - 1]) {
                memcpy(o, PF_REDACT_MASK, sizeof PF_REDACT_MASK - 1);
                o += sizeof PF_REDACT_MASK - 1;
            }
        }
        *o = '\0';
    }
    free(cover);
    return out;
}

int pf_redact_inplace(const pf_redactor *r, char **s)
{
    char *m;

    if (*s == NULL)
        return 0;
    m = pf_redact(r, *s);
    free(*s);
    *s = m;
    return m == NULL ? -1 : 0;
}
