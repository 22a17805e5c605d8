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
    r->token = NULL;
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
    free(r->token);
    pf_redactor_init(r);
}

int pf_redactor_add(pf_redactor *r, const char *value)
{
    return pf_redactor_add_token(r, value, 0);
}

int pf_redactor_add_token(pf_redactor *r, const char *value, int token)
{
    char **v;
    unsigned char *t;
    size_t i;

    if (value == NULL || value[0] == '\0')
        return 0;
    for (i = 0; i < r->n; i++) {
        if (strcmp(r->values[i], value) == 0) {
            r->token[i] &= (unsigned char)(token != 0); /* everywhere wins */
            return 0;
        }
    }
    v = realloc(r->values, (r->n + 1) * sizeof *v);
    if (v == NULL)
        return -1;
    r->values = v;
    t = realloc(r->token, r->n + 1);
    if (t == NULL)
        return -1;
    r->token = t;
    if ((v[r->n] = strdup(value)) == NULL)
        return -1;
    t[r->n] = token != 0;
    r->n++;
    return 0;
}

int pf_redact_plain_value(const char *value)
{
    static const char *const plain[] = {
        "true", "false", "yes", "no", "on", "off", "none", "null", "nil",
        "0", "1", "y", "n", "t", "f", "enable", "enabled", "disable",
        "disabled", "auto", "default", "-"};
    size_t i;

    for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (strcasecmp(value, plain[i]) == 0)
            return 1;
    }
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
        int forced = 0, by_name;
        size_t vlen;
        if (eq == NULL)
            continue;
        by_name = secret_name_n(envp[i], (size_t)(eq - envp[i]));
        for (j = 0; !forced && j < nextra; j++) {
            size_t len = strlen(extra[j]);
            forced = len == (size_t)(eq - envp[i]) &&
                     strncmp(envp[i], extra[j], len) == 0;
        }
        vlen = strlen(eq + 1);
        if (forced || (by_name && vlen >= PF_REDACT_MIN_LEN)) {
            if (pf_redactor_add(r, eq + 1) != 0)
                return -1;
        } else if (by_name && !pf_redact_plain_value(eq + 1)) {
            if (pf_redactor_add_token(r, eq + 1, 1) != 0)
                return -1;
        }
    }
    return 0;
}

/* A byte that continues a token: an ASCII letter or digit, or any byte of
 * a multi-byte UTF-8 character. */
static int word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
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
            if (!r->token[k] ||
                ((p == s || !word_byte((unsigned char)p[-1])) &&
                 !word_byte((unsigned char)p[vlen]))) {
                memset(cover + (p - s), 1, vlen);
                any = 1;
            }
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

void pf_cut_utf8(char *s, size_t max)
{
    size_t keep;

    if (s == NULL || strlen(s) <= max)
        return;
    keep = max >= sizeof PF_CUT_MARK - 1 ? max - (sizeof PF_CUT_MARK - 1) : max;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--; /* never half a UTF-8 sequence */
    if (max >= sizeof PF_CUT_MARK - 1)
        memcpy(s + keep, PF_CUT_MARK, sizeof PF_CUT_MARK);
    else
        s[keep] = '\0';
}

char *pf_redact_cut(const pf_redactor *r, const char *s, size_t max)
{
    char *m;

    if (s == NULL)
        return NULL;
    m = r != NULL ? pf_redact(r, s) : strdup(s);
    pf_cut_utf8(m, max); /* masked first: a cut leaves no piece of a secret */
    return m;
}

int pf_redact_into(const pf_redactor *r, char *dst, size_t dstlen,
                   const char *src)
{
    static const char withheld[] = "(text withheld: out of memory while "
                                   "masking secrets)";
    char *m;

    if (dstlen == 0)
        return 0;
    m = pf_redact_cut(r, src ? src : "", dstlen - 1);
    if (m == NULL) {
        memcpy(dst, withheld, sizeof withheld <= dstlen ? sizeof withheld
                                                          : dstlen - 1);
        dst[sizeof withheld <= dstlen ? sizeof withheld - 1 : dstlen - 1] =
            '\0';
        return -1;
    }
    memcpy(dst, m, strlen(m) + 1);
    free(m);
    return 0;
}
