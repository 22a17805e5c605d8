/*
 * fixtures.c: parse mock HTTP fixture files and look requests up in a
 * fixtures folder (see fixtures.h and docs/fixtures.md).
 *
 * A small strict JSON reader builds a tree (depth, size and member counts
 * capped, duplicate keys refused), then the tree is checked against the
 * fixture schema: unknown keys, wrong types and out-of-range values are
 * all errors, so a typo in a fixture fails the checks that use the folder
 * instead of silently answering something else.
 *
 * Two extensions serve signed exchange requests: request.ignore_query
 * names query parameters (a timestamp, a signature) left out of the match,
 * and response.template expands {{now_ms}}-style placeholders with the
 * real clock when the fixture answers, so a server-time fixture can say
 * "now" or "five seconds ahead of now".
 */
#include "fixtures.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"

#define J_MAX_DEPTH 32
#define J_MAX_MEMBERS 1024

/* ---- a small JSON reader ------------------------------------------------ */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jmember jmember;

typedef struct jnode {
    jtype type;
    size_t start, end; /* the value's bytes in the text */
    int line;
    int isint; /* J_NUM: an integer that fits a long long */
    long long ival;
    char *str; /* J_STR: decoded bytes, NUL-terminated */
    size_t slen;
    jmember *kids; /* J_ARR (key NULL) and J_OBJ */
    size_t nkids;
} jnode;

struct jmember {
    char *key;
    size_t klen;
    jnode val;
};

typedef struct jparser {
    const char *s;
    size_t len, pos;
    int line;
    int depth;
    char *err;
    size_t errlen;
    int failed;
} jparser;

static void jnode_free(jnode *n)
{
    size_t i;

    if (n == NULL)
        return;
    free(n->str);
    for (i = 0; i < n->nkids; i++) {
        free(n->kids[i].key);
        jnode_free(&n->kids[i].val);
    }
    free(n->kids);
    memset(n, 0, sizeof *n);
}

static int jfail(jparser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record the first error with its line number. Returns -1. */
static int jfail(jparser *p, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    if (!p->failed) {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(p->err, p->errlen, "line %d: %s", p->line, msg);
        p->failed = 1;
    }
    return -1;
}

static void jskip_ws(jparser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n')
            p->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            break;
        p->pos++;
    }
}

/* Four hex digits at p->pos; returns the code unit or -1. */
static long read_hex4(jparser *p)
{
    long v = 0;
    int i;

    if (p->len - p->pos < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        int h = pf_hexval(p->s[p->pos + (size_t)i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    p->pos += 4;
    return v;
}

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * A string at p->pos (on the opening quote). Decoded bytes go to a new
 * buffer (*out, owned by the caller) of *olen bytes plus a NUL. An escape
 * never decodes to more bytes than it spans, so the text length bounds
 * the buffer.
 */
static int jstring(jparser *p, char **out, size_t *olen)
{
    size_t start = ++p->pos, end = start, n = 0;
    char *o;

    while (end < p->len && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->len)
        return jfail(p, "unterminated string");
    o = malloc(end - start + 1);
    if (o == NULL)
        return jfail(p, "out of memory");
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            free(o);
            return jfail(p, "control character in a string (escape it)");
        }
        if (c != '\\') {
            o[n++] = (char)c;
            p->pos++;
            continue;
        }
        p->pos++;
        c = (unsigned char)p->s[p->pos++];
        switch (c) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            long hi = read_hex4(p), lo;
            unsigned long cp;
            if (hi < 0) {
                free(o);
                return jfail(p, "bad \\u escape");
            }
            cp = (unsigned long)hi;
            if (hi >= 0xDC00 && hi <= 0xDFFF) {
                free(o);
                return jfail(p, "lone low surrogate in a \\u escape");
            }
            if (hi >= 0xD800 && hi <= 0xDBFF) {
                if (p->pos + 2 > end || p->s[p->pos] != '\\' ||
                    p->s[p->pos + 1] != 'u') {
                    free(o);
                    return jfail(p, "high surrogate without its low half");
                }
                p->pos += 2;
                lo = read_hex4(p);
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    free(o);
                    return jfail(p, "high surrogate without its low half");
                }
                cp = 0x10000 + (((unsigned long)hi - 0xD800) << 10) +
                     ((unsigned long)lo - 0xDC00);
            }
            n += put_utf8(o + n, cp);
            break;
        }
        default:
            free(o);
            return jfail(p, "bad escape \\%c in a string",
                         c >= 0x20 && c < 0x7F ? (char)c : '?');
        }
    }
    p->pos = end + 1;
    o[n] = '\0';
    *out = o;
    *olen = n;
    return 0;
}

/* Skip a run of one or more digits. Returns 0, or -1 when there is none. */
static int jdigits(jparser *p)
{
    size_t start = p->pos;

    while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]))
        p->pos++;
    return p->pos == start ? jfail(p, "bad number") : 0;
}

static int jnumber(jparser *p, jnode *n)
{
    size_t start = p->pos, digits;
    int isint = 1;
    char buf[64];

    if (p->pos < p->len && p->s[p->pos] == '-')
        p->pos++;
    digits = p->pos;
    if (jdigits(p) != 0)
        return -1;
    if (p->s[digits] == '0' && p->pos - digits > 1)
        return jfail(p, "numbers may not have leading zeros");
    if (p->pos < p->len && p->s[p->pos] == '.') {
        isint = 0;
        p->pos++;
        if (jdigits(p) != 0)
            return -1;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        isint = 0;
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (jdigits(p) != 0)
            return -1;
    }
    n->type = J_NUM;
    if (isint && p->pos - start < 19) { /* fits a long long */
        memcpy(buf, p->s + start, p->pos - start);
        buf[p->pos - start] = '\0';
        n->ival = strtoll(buf, NULL, 10);
        n->isint = 1;
    }
    return 0;
}

static int jvalue(jparser *p, jnode *n);

/* An object or an array at p->pos; close is '}' or ']'. */
static int jcontainer(jparser *p, jnode *n, char close)
{
    size_t cap = 0, i;

    n->type = close == '}' ? J_OBJ : J_ARR;
    if (++p->depth > J_MAX_DEPTH)
        return jfail(p, "nested deeper than %d levels", J_MAX_DEPTH);
    p->pos++;
    jskip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        p->depth--;
        return 0;
    }
    for (;;) {
        jmember *m;
        if (n->nkids == J_MAX_MEMBERS)
            return jfail(p, "more than %d members", J_MAX_MEMBERS);
        if (n->nkids == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            jmember *g = realloc(n->kids, ncap * sizeof *g);
            if (g == NULL)
                return jfail(p, "out of memory");
            n->kids = g;
            cap = ncap;
        }
        m = &n->kids[n->nkids];
        memset(m, 0, sizeof *m);
        n->nkids++;
        jskip_ws(p);
        if (n->type == J_OBJ) {
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return jfail(p, "expected a string key");
            if (jstring(p, &m->key, &m->klen) != 0)
                return -1;
            for (i = 0; i + 1 < n->nkids; i++) {
                if (n->kids[i].klen == m->klen &&
                    memcmp(n->kids[i].key, m->key, m->klen) == 0)
                    return jfail(p, "duplicate key \"%.60s\"", m->key);
            }
            jskip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return jfail(p, "expected ':' after a key");
            p->pos++;
        }
        if (jvalue(p, &m->val) != 0)
            return -1;
        jskip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            p->depth--;
            return 0;
        }
        return jfail(p, "expected ',' or '%c'", close);
    }
}

static int jliteral(jparser *p, const char *word)
{
    size_t n = strlen(word);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return jfail(p, "unexpected character '%c'",
                     isprint((unsigned char)p->s[p->pos]) ? p->s[p->pos] : '?');
    p->pos += n;
    return 0;
}

/* Any value; n is zeroed and filled, and owns what it points to. */
static int jvalue(jparser *p, jnode *n)
{
    int rc;
    char c;

    memset(n, 0, sizeof *n);
    jskip_ws(p);
    if (p->pos >= p->len)
        return jfail(p, "unexpected end of text");
    n->start = p->pos;
    n->line = p->line;
    c = p->s[p->pos];
    if (c == '{' || c == '[') {
        rc = jcontainer(p, n, c == '{' ? '}' : ']');
    } else if (c == '"') {
        n->type = J_STR;
        rc = jstring(p, &n->str, &n->slen);
    } else if (c == '-' || isdigit((unsigned char)c)) {
        rc = jnumber(p, n);
    } else if (c == 't') {
        n->type = J_BOOL;
        rc = jliteral(p, "true");
    } else if (c == 'f') {
        n->type = J_BOOL;
        rc = jliteral(p, "false");
    } else {
        n->type = J_NULL;
        rc = jliteral(p, "null");
    }
    n->end = p->pos;
    return rc;
}

/* Parse the whole text as one value into root. Returns 0 or -1. */
static int jparse(const char *s, size_t len, jnode *root, char *err,
                  size_t errlen)
{
    jparser p = {s, len, 0, 1, 0, err, errlen, 0};

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3; /* a UTF-8 byte order mark */
    if (jvalue(&p, root) != 0) {
        jnode_free(root);
        return -1;
    }
    jskip_ws(&p);
    if (p.pos != len) {
        jfail(&p, "text after the JSON value");
        jnode_free(root);
        return -1;
    }
    return 0;
}

/* ---- the fixture schema ------------------------------------------------- */

static const char *const methods[] = {"DELETE", "GET",  "HEAD", "OPTIONS",
                                      "PATCH",  "POST", "PUT"};

int pf_http_method_valid(const char *m)
{
    size_t i;

    for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(m, methods[i]) == 0)
            return 1;
    }
    return 0;
}

static const jnode *jget(const jnode *obj, const char *key)
{
    size_t i;

    for (i = 0; i < obj->nkids; i++) {
        if (strcmp(obj->kids[i].key, key) == 0 &&
            strlen(key) == obj->kids[i].klen)
            return &obj->kids[i].val;
    }
    return NULL;
}

/* -1 with err naming the first key of obj not in allowed (NULL-ended). */
static int only_keys(const jnode *obj, const char *where,
                     const char *const *allowed, char *err, size_t errlen)
{
    size_t i, k;

    for (i = 0; i < obj->nkids; i++) {
        int ok = 0;
        for (k = 0; allowed[k] != NULL; k++)
            ok |= strlen(allowed[k]) == obj->kids[i].klen &&
                  strcmp(allowed[k], obj->kids[i].key) == 0;
        if (!ok) {
            snprintf(err, errlen, "unknown key \"%.60s\" in %s",
                     obj->kids[i].key, where);
            return -1;
        }
    }
    return 0;
}

/* A string node without NUL bytes. */
static int is_cstr(const jnode *n)
{
    return n != NULL && n->type == J_STR && strlen(n->str) == n->slen;
}

int pf_http_token_char(unsigned char c)
{
    return isalnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* 1 when s is an acceptable URL to match: http(s)://, no controls or
 * spaces, not too long. */
static int url_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n > PF_FIX_MAX_URL ||
        (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0))
        return 0;
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7F)
            return 0;
    }
    return 1;
}

/* 1 when rel is a relative path that cannot leave its folder by spelling:
 * not absolute, no ".." component, no backslash, not empty. */
static int rel_path_ok(const char *rel)
{
    const char *c = rel;

    if (rel[0] == '\0' || rel[0] == '/' || strchr(rel, '\\') != NULL)
        return 0;
    while (*c != '\0') {
        size_t n = strcspn(c, "/");
        if (n == 2 && c[0] == '.' && c[1] == '.')
            return 0;
        c += n;
        if (*c == '/')
            c++;
    }
    return rel[strlen(rel) - 1] != '/';
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int oom(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory");
    return -1;
}

static int parse_headers(const jnode *h, pf_fixture *fx, char *err,
                         size_t errlen)
{
    size_t i, k;

    if (h->type != J_OBJ) {
        snprintf(err, errlen,
                 "response.headers must be an object of "
                 "strings");
        return -1;
    }
    if (h->nkids > PF_FIX_MAX_HEADERS) {
        snprintf(err, errlen, "response.headers has more than %d entries",
                 PF_FIX_MAX_HEADERS);
        return -1;
    }
    fx->headers = calloc(h->nkids ? h->nkids : 1, sizeof *fx->headers);
    if (fx->headers == NULL)
        return oom(err, errlen);
    for (i = 0; i < h->nkids; i++) {
        const jmember *m = &h->kids[i];
        pf_fix_header *out = &fx->headers[i];
        if (m->klen == 0 || m->klen > 256) {
            snprintf(err, errlen,
                     "response.headers: a header name must be "
                     "1 to 256 bytes");
            return -1;
        }
        for (k = 0; k < m->klen; k++) {
            if (!pf_http_token_char((unsigned char)m->key[k])) {
                snprintf(err, errlen,
                         "response.headers: \"%.60s\" is not "
                         "a valid header name",
                         m->key);
                return -1;
            }
        }
        if (!is_cstr(&m->val) || strpbrk(m->val.str, "\r\n") != NULL ||
            m->val.slen > 8192) {
            snprintf(err, errlen,
                     "response.headers.%.60s must be a string "
                     "of one line (at most 8192 bytes)",
                     m->key);
            return -1;
        }
        out->name = dup_n(m->key, m->klen);
        out->value = dup_n(m->val.str, m->val.slen);
        fx->nheaders++;
        if (out->name == NULL || out->value == NULL)
            return oom(err, errlen);
        for (k = 0; k < m->klen; k++)
            out->name[k] = (char)tolower((unsigned char)out->name[k]);
        for (k = 0; k < i; k++) {
            if (strcmp(fx->headers[k].name, out->name) == 0) {
                snprintf(err, errlen,
                         "response.headers names \"%.60s\" "
                         "twice",
                         out->name);
                return -1;
            }
        }
    }
    return 0;
}

/* ---- templates ---------------------------------------------------------- */

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                     "May", "Jun", "Jul", "Aug",
                                     "Sep", "Oct", "Nov", "Dec"};

/* Format Unix seconds t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37
 * GMT") into out (at least 30 bytes), without the locale. */
static int http_date(long long t, char *out, size_t outlen)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL)
        return -1;
    snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT",
             wdays[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 0;
}

/* Format Unix seconds t as an RFC 3339 UTC time with a numeric offset
 * ("1994-11-06T08:49:37+00:00", the shape of Upbit's expire_at) into out
 * (at least 26 bytes). */
static int iso_date(long long t, char *out, size_t outlen)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL)
        return -1;
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d+00:00",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    return 0;
}

/*
 * Expand the placeholders of the n bytes at in into a new buffer (*out,
 * NUL added, owned by the caller) of *olen bytes. Every "{{" must start a
 * known placeholder. Returns 0, or -1 with err.
 */
static int expand_text(const char *in, size_t n, long long now_ms, char **out,
                       size_t *olen, char *err, size_t errlen)
{
    size_t cap = n + 64, len = 0, i = 0;
    char *o = malloc(cap);

    if (o == NULL)
        return oom(err, errlen);
    while (i < n) {
        char piece[64];
        const char *p = piece;
        size_t plen, k;
        if (i + 1 < n && in[i] == '{' && in[i + 1] == '{') {
            const char *end = NULL, *name = in + i + 2;
            static const char *const kinds[] = {"now_ms", "now_http",
                                                "now_iso"};
            long long off = 0, t;
            size_t nlen;
            int http; /* 0 now_ms, 1 now_http, 2 now_iso */
            for (k = i + 2; k + 1 < n && k < i + 48; k++) {
                if (in[k] == '}' && in[k + 1] == '}') {
                    end = in + k;
                    break;
                }
            }
            nlen = end ? (size_t)(end - name) : 0;
            if (end != NULL && nlen >= 6 && memcmp(name, "now_ms", 6) == 0) {
                http = 0;
                k = 6;
            } else if (end != NULL && nlen >= 8 &&
                       memcmp(name, "now_http", 8) == 0) {
                http = 1;
                k = 8;
            } else if (end != NULL && nlen >= 7 &&
                       memcmp(name, "now_iso", 7) == 0) {
                http = 2;
                k = 7;
            } else {
                free(o);
                snprintf(err, errlen,
                         "template: \"{{\" does not start a known "
                         "placeholder ({{now_ms}}, {{now_http}}, "
                         "{{now_iso}}) at byte %zu",
                         i);
                return -1;
            }
            if (k < nlen) {
                size_t d;
                int neg = name[k] == '-';
                if ((name[k] != '+' && !neg) || nlen - k < 2 ||
                    nlen - k > 13) {
                    free(o);
                    snprintf(err, errlen,
                             "template: bad placeholder \"{{%.*s}}\" (want "
                             "{{%s}}, {{%s+N}} or {{%s-N}}, N in ms)",
                             (int)nlen, name, kinds[http], kinds[http],
                             kinds[http]);
                    return -1;
                }
                for (d = k + 1; d < nlen; d++) {
                    if (!isdigit((unsigned char)name[d])) {
                        free(o);
                        snprintf(err, errlen,
                                 "template: bad offset in \"{{%.*s}}\"",
                                 (int)nlen, name);
                        return -1;
                    }
                    off = off * 10 + (name[d] - '0');
                }
                if (neg)
                    off = -off;
            }
            t = now_ms + off;
            if (t < 0) {
                free(o);
                snprintf(err, errlen, "template: \"{{%.*s}}\" is before 1970",
                         (int)nlen, name);
                return -1;
            }
            if (http) {
                if ((http == 1 ? http_date(t / 1000, piece, sizeof piece)
                               : iso_date(t / 1000, piece, sizeof piece)) != 0) {
                    free(o);
                    snprintf(err, errlen, "template: cannot format a date");
                    return -1;
                }
            } else {
                snprintf(piece, sizeof piece, "%lld", t);
            }
            plen = strlen(piece);
            i = (size_t)(end - in) + 2;
        } else {
            p = in + i;
            plen = 1;
            i++;
        }
        if (len + plen + 1 > cap) {
            char *g;
            cap = (len + plen + 1) * 2;
            g = realloc(o, cap);
            if (g == NULL) {
                free(o);
                return oom(err, errlen);
            }
            o = g;
        }
        memcpy(o + len, p, plen);
        len += plen;
    }
    o[len] = '\0';
    *out = o;
    *olen = len;
    return 0;
}

/* Expand fx's inline body and every header value at now_ms. With apply,
 * each expansion replaces its text; without, it is only checked (and
 * freed). */
static int expand_fields(pf_fixture *fx, long long now_ms, int apply,
                         char *err, size_t errlen)
{
    char *out;
    size_t olen, i;

    if (fx->body != NULL) {
        if (expand_text(fx->body, fx->body_len, now_ms, &out, &olen, err,
                        errlen) != 0)
            return -1;
        if (apply) {
            free(fx->body);
            fx->body = out;
            fx->body_len = olen;
        } else {
            free(out);
        }
    }
    for (i = 0; i < fx->nheaders; i++) {
        char *v = fx->headers[i].value;
        if (expand_text(v, strlen(v), now_ms, &out, &olen, err, errlen) != 0)
            return -1;
        if (apply) {
            free(v);
            fx->headers[i].value = out;
        } else {
            free(out);
        }
    }
    return 0;
}

int pf_fixture_expand(pf_fixture *fx, long long now_ms, char *err,
                      size_t errlen)
{
    if (!fx->template)
        return 0;
    return expand_fields(fx, now_ms, 1, err, errlen);
}

/* 1 when s (n bytes) can name a query parameter: no '&', '=', '#', '?',
 * spaces or controls. */
static int query_name_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7F || strchr("&=#?", c) != NULL)
            return 0;
    }
    return 1;
}

static int parse_ignore(const jnode *a, pf_fixture *fx, char *err,
                        size_t errlen)
{
    size_t i;

    if (a->type != J_ARR || a->nkids == 0 || a->nkids > PF_FIX_MAX_IGNORE) {
        snprintf(err, errlen,
                 "request.ignore_query must be an array of 1 to %d "
                 "query parameter names",
                 PF_FIX_MAX_IGNORE);
        return -1;
    }
    fx->ignore_query = calloc(a->nkids, sizeof *fx->ignore_query);
    if (fx->ignore_query == NULL)
        return oom(err, errlen);
    for (i = 0; i < a->nkids; i++) {
        const jnode *v = &a->kids[i].val;
        if (!is_cstr(v) || !query_name_ok(v->str, v->slen)) {
            snprintf(err, errlen,
                     "request.ignore_query[%zu] must be a query parameter "
                     "name (1 to 64 bytes, no '&', '=', '#', '?' or spaces)",
                     i + 1);
            return -1;
        }
        if ((fx->ignore_query[i] = dup_n(v->str, v->slen)) == NULL)
            return oom(err, errlen);
        fx->nignore++;
    }
    return 0;
}

/* Expand fx's inline body and headers into scratch copies at a fixed time
 * (2033; offsets are at most 12 digits of ms, about 31 years), to report
 * a malformed placeholder when the fixture is parsed. */
static int check_template(pf_fixture *fx, char *err, size_t errlen)
{
    return expand_fields(fx, 2000000000000LL, 0, err, errlen);
}

static int parse_response(const jnode *r, const char *text, pf_fixture *fx,
                          char *err, size_t errlen)
{
    static const char *const keys[] = {"status",   "headers",  "body",
                                       "body_file", "delay_ms", "template",
                                       NULL};
    const jnode *st, *h, *body, *bf, *d, *tp;

    if (r->type != J_OBJ) {
        snprintf(err, errlen, "response must be an object");
        return -1;
    }
    if (only_keys(r, "response", keys, err, errlen) != 0)
        return -1;
    st = jget(r, "status");
    if (st == NULL) {
        snprintf(err, errlen, "response.status is missing");
        return -1;
    }
    if (st->type != J_NUM || !st->isint || st->ival < 100 || st->ival > 599) {
        snprintf(err, errlen,
                 "response.status must be an integer from 100 "
                 "to 599");
        return -1;
    }
    fx->kind = PF_FIX_RESPONSE;
    fx->status = (int)st->ival;
    if ((h = jget(r, "headers")) != NULL &&
        parse_headers(h, fx, err, errlen) != 0)
        return -1;
    body = jget(r, "body");
    bf = jget(r, "body_file");
    if (body != NULL && bf != NULL) {
        snprintf(err, errlen,
                 "response has both body and body_file (give "
                 "one)");
        return -1;
    }
    if (body != NULL) {
        const char *src = body->str;
        size_t n = body->slen;
        if (body->type != J_STR) { /* the value as written in the file */
            src = text + body->start;
            n = body->end - body->start;
        }
        fx->body = dup_n(src, n);
        fx->body_len = n;
        if (fx->body == NULL)
            return oom(err, errlen);
    }
    if (bf != NULL) {
        if (!is_cstr(bf) || bf->slen > 1024) {
            snprintf(err, errlen, "response.body_file must be a string");
            return -1;
        }
        if (!rel_path_ok(bf->str)) {
            snprintf(err, errlen,
                     "response.body_file \"%.100s\" must be a "
                     "relative path inside the fixtures folder",
                     bf->str);
            return -1;
        }
        if ((fx->body_file = dup_n(bf->str, bf->slen)) == NULL)
            return oom(err, errlen);
    }
    if ((d = jget(r, "delay_ms")) != NULL) {
        if (d->type != J_NUM || !d->isint || d->ival < 0 ||
            d->ival > PF_FIX_MAX_DELAY_MS) {
            snprintf(err, errlen,
                     "response.delay_ms must be an integer from "
                     "0 to %ld",
                     PF_FIX_MAX_DELAY_MS);
            return -1;
        }
        fx->delay_ms = (long)d->ival;
    }
    if ((tp = jget(r, "template")) != NULL) {
        if (tp->type != J_BOOL) {
            snprintf(err, errlen, "response.template must be true or false");
            return -1;
        }
        fx->template = text[tp->start] == 't';
        /* an inline body or a header with a bad placeholder is a bad
         * fixture now, not only when it answers */
        if (fx->template && check_template(fx, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/*
 * A required string member n (NULL when missing) that valid must accept.
 * Returns 0, or -1 with "<what> is missing" or "<what> must be <want>" in
 * err.
 */
static int need_str(const jnode *n, const char *what,
                    int (*valid)(const char *), const char *want, char *err,
                    size_t errlen)
{
    if (n == NULL) {
        snprintf(err, errlen, "%s is missing", what);
        return -1;
    }
    if (!is_cstr(n) || !valid(n->str)) {
        snprintf(err, errlen, "%s must be %s", what, want);
        return -1;
    }
    return 0;
}

/* Fill fx from the parsed tree. Returns 0 or -1 with err. */
static int from_tree(const jnode *root, const char *text, pf_fixture *fx,
                     char *err, size_t errlen)
{
    static const char *const top_keys[] = {"description", "request", "response",
                                           "error", NULL};
    static const char *const req_keys[] = {"method", "url", "ignore_query",
                                           NULL};
    const jnode *req, *m, *u, *resp, *e, *desc, *ig;

    if (root->type != J_OBJ) {
        snprintf(err, errlen, "a fixture must be a JSON object");
        return -1;
    }
    if (only_keys(root, "the fixture", top_keys, err, errlen) != 0)
        return -1;
    if ((desc = jget(root, "description")) != NULL && desc->type != J_STR) {
        snprintf(err, errlen, "description must be a string");
        return -1;
    }
    req = jget(root, "request");
    if (req == NULL || req->type != J_OBJ) {
        snprintf(err, errlen,
                 "request must be an object with method and "
                 "url");
        return -1;
    }
    if (only_keys(req, "request", req_keys, err, errlen) != 0)
        return -1;
    m = jget(req, "method");
    u = jget(req, "url");
    if (need_str(m, "request.method", pf_http_method_valid,
                 "one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT", err,
                 errlen) != 0 ||
        need_str(u, "request.url", url_ok,
                 "a full http:// or https:// URL without spaces", err,
                 errlen) != 0)
        return -1;
    fx->method = dup_n(m->str, m->slen);
    fx->url = dup_n(u->str, u->slen);
    if (fx->method == NULL || fx->url == NULL)
        return oom(err, errlen);
    if ((ig = jget(req, "ignore_query")) != NULL &&
        parse_ignore(ig, fx, err, errlen) != 0)
        return -1;
    resp = jget(root, "response");
    e = jget(root, "error");
    if ((resp == NULL) == (e == NULL)) {
        snprintf(err, errlen, "give exactly one of response and error");
        return -1;
    }
    if (e != NULL) {
        if (is_cstr(e) && strcmp(e->str, "timeout") == 0) {
            fx->kind = PF_FIX_TIMEOUT;
        } else if (is_cstr(e) && strcmp(e->str, "refused") == 0) {
            fx->kind = PF_FIX_REFUSED;
        } else {
            snprintf(err, errlen, "error must be \"timeout\" or \"refused\"");
            return -1;
        }
        return 0;
    }
    return parse_response(resp, text, fx, err, errlen);
}

void pf_fixture_free(pf_fixture *fx)
{
    size_t i;

    if (fx == NULL)
        return;
    free(fx->method);
    free(fx->url);
    for (i = 0; i < fx->nignore; i++)
        free(fx->ignore_query[i]);
    free(fx->ignore_query);
    for (i = 0; i < fx->nheaders; i++) {
        free(fx->headers[i].name);
        free(fx->headers[i].value);
    }
    free(fx->headers);
    free(fx->body);
    free(fx->body_file);
    memset(fx, 0, sizeof *fx);
}

int pf_fixture_parse(const char *text, size_t len, pf_fixture *fx, char *err,
                     size_t errlen)
{
    jnode root;
    int rc;

    memset(fx, 0, sizeof *fx);
    if (len > (size_t)PF_FIX_MAX_FILE) {
        snprintf(err, errlen, "larger than %ld bytes", PF_FIX_MAX_FILE);
        return -1;
    }
    if (jparse(text, len, &root, err, errlen) != 0)
        return -1;
    rc = from_tree(&root, text, fx, err, errlen);
    jnode_free(&root);
    if (rc != 0)
        pf_fixture_free(fx);
    return rc;
}

/* ---- the folder --------------------------------------------------------- */

/*
 * Read a regular file of at most max bytes into a new buffer (*out, NUL
 * added). Returns 0, -1 with err (errno text), or -2 when over max.
 */
static int read_capped(const char *path, int flags, size_t max, char **out,
                       size_t *olen, char *err, size_t errlen)
{
    char msg[600];
    int fd = pf_open_regular(path, flags, msg, sizeof msg); /* never blocks */
    struct stat st;
    char *buf = NULL;
    size_t total = 0;
    int rc = -1;

    if (fd < 0) {
        snprintf(err, errlen, "%s",
                 errno == EINVAL ? "not a regular file" : strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        goto cleanup;
    }
    if ((size_t)st.st_size > max) {
        rc = -2;
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 2);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    for (;;) {
        ssize_t r = read(fd, buf + total, (size_t)st.st_size + 1 - total);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            goto cleanup;
        }
        if (r == 0)
            break;
        total += (size_t)r;
        if (total > (size_t)st.st_size) {
            snprintf(err, errlen, "changed while being read");
            goto cleanup;
        }
    }
    buf[total] = '\0';
    *out = buf;
    *olen = total;
    buf = NULL;
    rc = 0;
cleanup:
    free(buf);
    close(fd);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_fixture_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/*
 * Copy url to out (outlen bytes) without the query parameters named in
 * fx's ignore_query, keeping the others in order; set seen[i] when the
 * i-th name was there. Returns 0, or -1 when out is too small.
 */
static int strip_query(const pf_fixture *fx, const char *url, char *out,
                       size_t outlen, int *seen)
{
    const char *q = strchr(url, '?'), *hash, *p;
    size_t len, kept = 0, i;

    if (q == NULL) {
        if (strlen(url) >= outlen)
            return -1;
        strcpy(out, url);
        return 0;
    }
    len = (size_t)(q - url);
    if (len >= outlen)
        return -1;
    memcpy(out, url, len);
    hash = strchr(q, '#');
    if (hash == NULL)
        hash = q + strlen(q);
    for (p = q + 1; p < hash;) {
        size_t plen = strcspn(p, "&#"), nlen = strcspn(p, "=&#");
        int drop = 0;
        if (nlen > plen)
            nlen = plen;
        for (i = 0; i < fx->nignore; i++) {
            if (strlen(fx->ignore_query[i]) == nlen &&
                memcmp(fx->ignore_query[i], p, nlen) == 0) {
                seen[i] = 1;
                drop = 1;
            }
        }
        if (!drop) {
            if (len + plen + 2 >= outlen)
                return -1;
            out[len++] = kept++ ? '&' : '?';
            memcpy(out + len, p, plen);
            len += plen;
        }
        p += plen;
        if (*p == '&')
            p++;
    }
    if (len + strlen(hash) >= outlen)
        return -1;
    strcpy(out + len, hash);
    return 0;
}

int pf_fixture_url_match(const pf_fixture *fx, const char *url)
{
    char a[PF_FIX_MAX_URL + 2], b[PF_FIX_MAX_URL + 2];
    int seen_fx[PF_FIX_MAX_IGNORE] = {0}, seen[PF_FIX_MAX_IGNORE] = {0};
    size_t i;

    if (fx->nignore == 0)
        return strcmp(fx->url, url) == 0;
    if (strip_query(fx, fx->url, a, sizeof a, seen_fx) != 0 ||
        strip_query(fx, url, b, sizeof b, seen) != 0)
        return 0;
    for (i = 0; i < fx->nignore; i++) {
        if (!seen[i])
            return 0;
    }
    return strcmp(a, b) == 0;
}

int pf_fixture_find(const char *dir, const char *method, const char *url,
                    pf_fixture *fx, char *file, size_t filelen, char *err,
                    size_t errlen)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL, path[PATH_MAX + 256], why[300];
    size_t nn = 0, i;
    int found = 0, rc = -1;

    memset(fx, 0, sizeof *fx);
    file[0] = '\0';
    d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "cannot open fixtures folder %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    while ((errno = 0, e = readdir(d)) != NULL) {
        char **g;
        if (!is_fixture_name(e->d_name))
            continue;
        g = realloc(names, (nn + 1) * sizeof *g);
        if (g == NULL)
            goto oom;
        names = g;
        if ((names[nn] = strdup(e->d_name)) == NULL)
            goto oom;
        nn++;
    }
    if (errno != 0) {
        snprintf(err, errlen, "cannot list fixtures folder %s: %s", dir,
                 strerror(errno));
        goto cleanup;
    }
    if (nn > 1) /* names is NULL in an empty folder: no qsort of NULL */
        qsort(names, nn, sizeof *names, cmp_name);
    for (i = 0; i < nn; i++) {
        pf_fixture tmp;
        char *text = NULL;
        size_t tlen = 0;
        int r;
        snprintf(path, sizeof path, "%s%s%s", dir,
                 dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        r = read_capped(path, 0, (size_t)PF_FIX_MAX_FILE, &text, &tlen, why,
                        sizeof why);
        if (r == -2)
            snprintf(why, sizeof why, "larger than %ld bytes", PF_FIX_MAX_FILE);
        if (r != 0 ||
            pf_fixture_parse(text, tlen, &tmp, why, sizeof why) != 0) {
            free(text);
            snprintf(err, errlen, "bad fixture %s: %s", path, why);
            goto cleanup;
        }
        free(text);
        if (strcmp(tmp.method, method) != 0 ||
            !pf_fixture_url_match(&tmp, url)) {
            pf_fixture_free(&tmp);
            continue;
        }
        if (found) {
            pf_fixture_free(&tmp);
            snprintf(err, errlen, "bad fixture %s: same request as %s", path,
                     file);
            goto cleanup;
        }
        *fx = tmp;
        snprintf(file, filelen, "%s", path);
        found = 1;
    }
    rc = found;
    goto cleanup;
oom:
    snprintf(err, errlen, "out of memory listing fixtures folder %s", dir);
cleanup:
    if (rc < 0)
        pf_fixture_free(fx);
    for (i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

/* Expand a template fixture with the real clock. */
static int expand_now(pf_fixture *fx, char *err, size_t errlen)
{
    struct timespec ts;

    if (!fx->template)
        return 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    return pf_fixture_expand(fx, (long long)ts.tv_sec * 1000 +
                                     ts.tv_nsec / 1000000,
                             err, errlen);
}

int pf_fixture_load_body(const char *dir, pf_fixture *fx, size_t max, char *err,
                         size_t errlen)
{
    char rdir[PATH_MAX], rfile[PATH_MAX], joined[PATH_MAX + 1100], why[200];
    size_t n, len = 0;
    char *buf = NULL;
    int r;

    if (fx->body_file == NULL)
        return expand_now(fx, err, errlen);
    if (realpath(dir, rdir) == NULL) {
        snprintf(err, errlen, "fixtures folder %s: %s", dir, strerror(errno));
        return -1;
    }
    snprintf(joined, sizeof joined, "%s/%s", rdir, fx->body_file);
    if (realpath(joined, rfile) == NULL) {
        snprintf(err, errlen, "body_file %s: %s", fx->body_file,
                 strerror(errno));
        return -1;
    }
    n = strlen(rdir);
    if (!(strcmp(rdir, "/") == 0 ||
          (strncmp(rfile, rdir, n) == 0 && rfile[n] == '/'))) {
        snprintf(err, errlen, "body_file %s is outside the fixtures folder",
                 fx->body_file);
        return -1;
    }
    r = read_capped(rfile, O_NOFOLLOW, max, &buf, &len, why, sizeof why);
    if (r == -2)
        return -2;
    if (r != 0) {
        snprintf(err, errlen, "body_file %s: %s", fx->body_file, why);
        return -1;
    }
    free(fx->body);
    fx->body = buf;
    fx->body_len = len;
    return expand_now(fx, err, errlen);
}
