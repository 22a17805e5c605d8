/*
 * buf.c: growable byte buffer and JSON value writer (see buf.h).
 */
#define _GNU_SOURCE
#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pf_buf_init(pf_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = 0;
}

void pf_buf_free(pf_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    pf_buf_init(b);
}

/* Make room for n more bytes plus a NUL. Returns 0, or -1 and sets oom. */
static int buf_reserve(pf_buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (b->oom)
        return -1;
    if (n > SIZE_MAX - b->len - 1) {
        b->oom = 1;
        return -1;
    }
    need = b->len + n + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->oom = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void pf_buf_add(pf_buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pf_buf_adds(pf_buf *b, const char *s)
{
    pf_buf_add(b, s, strlen(s));
}

void pf_buf_addc(pf_buf *b, char c)
{
    pf_buf_add(b, &c, 1);
}

void pf_buf_addf(pf_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    char small[256];

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        pf_buf_add(b, small, (size_t)n);
        return;
    }
    if (buf_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

size_t pf_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[0], v;
    size_t len, i;

    *cp = 0xFFFD;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 1;
    }
    if (len > n)
        return 1;
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 1;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
        (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 1;
    *cp = v;
    return len;
}

void pf_json_str(pf_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;
    uint32_t cp;

    pf_buf_addc(b, '"');
    while (i < n) {
        unsigned c = p[i];
        switch (c) {
        case '"': pf_buf_add(b, "\\\"", 2); i++; continue;
        case '\\': pf_buf_add(b, "\\\\", 2); i++; continue;
        case '\n': pf_buf_add(b, "\\n", 2); i++; continue;
        case '\r': pf_buf_add(b, "\\r", 2); i++; continue;
        case '\t': pf_buf_add(b, "\\t", 2); i++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            pf_buf_addf(b, "\\u%04x", c);
            i++;
            continue;
        }
        k = pf_utf8_next(s + i, n - i, &cp);
        if (k == 1 && cp == 0xFFFD) {
            pf_buf_adds(b, "\\ufffd"); /* invalid byte */
            i++;
            continue;
        }
        pf_buf_add(b, p + i, k);
        i += k;
    }
    pf_buf_addc(b, '"');
}

void pf_json_strz(pf_buf *b, const char *s)
{
    if (s == NULL)
        pf_buf_adds(b, "null");
    else
        pf_json_str(b, s, strlen(s));
}

void pf_json_num(pf_buf *b, double v)
{
    if (!isfinite(v)) {
        pf_buf_adds(b, "null");
        return;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        pf_buf_addf(b, "%.0f", v);
    else
        pf_buf_addf(b, "%.17g", v);
}

int pf_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void pf_json_field(const char *s, size_t n, const char *key, char *out,
                   size_t outlen)
{
    char pat[64];
    const char *p, *end = s + n;
    size_t o = 0;

    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = memmem(s, n, pat, strlen(pat));
    snprintf(out, outlen, "-");
    if (p == NULL)
        return;
    p += strlen(pat);
    if (p < end && *p == '"') {
        for (p++; p < end && *p != '"' && o + 1 < outlen; p++) {
            char c = *p;
            if (c == '\\' && p + 1 < end) {
                p++;
                c = *p == 'n' || *p == 't' || *p == 'r' || *p == 'u' ||
                            *p == 'b' || *p == 'f'
                        ? '?'
                        : *p;
            }
            out[o++] = (unsigned char)c < 0x20 ? '?' : c;
        }
        out[o] = '\0';
        return;
    }
    while (p < end && o + 1 < outlen && *p != ',' && *p != '}')
        out[o++] = *p++;
    out[o] = '\0';
    if (strcmp(out, "null") == 0)
        snprintf(out, outlen, "-");
}

static const char B64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void pf_base64_encode(const unsigned char *in, size_t n, int url, pf_buf *b)
{
    const char *abc = url ? B64URL : B64;
    unsigned long acc = 0;
    size_t bits = 0;

    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            pf_buf_addc(b, abc[(acc >> bits) & 63]);
        }
        acc &= (1ul << bits) - 1;
    }
    if (bits > 0)
        pf_buf_addc(b, abc[(acc << (6 - bits)) & 63]);
    if (!url)
        for (; n % 3 != 0; n++)
            pf_buf_addc(b, '=');
}

long pf_base64_decode(const char *s, size_t n, int url, unsigned char *out,
                      size_t cap)
{
    const char *abc = url ? B64URL : B64;
    unsigned long acc = 0;
    size_t bits = 0, o = 0, i, npad = 0;

    if (!url) {
        if (n % 4 != 0)
            return -1;
        while (npad < 2 && n > 0 && s[n - 1] == '=') {
            n--;
            npad++;
        }
    } else if (n % 4 == 1) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        const char *p = s[i] ? strchr(abc, s[i]) : NULL;
        if (p == NULL)
            return -1;
        acc = (acc << 6) | (unsigned long)(p - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1ul << bits) - 1;
        }
    }
    if (acc != 0)
        return -1; /* leftover bits: not the canonical encoding */
    return (long)o;
}