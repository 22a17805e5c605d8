/*
 * buf.h: a growable byte buffer and a small JSON writer on top of it.
 *
 * Every writer of text the host produces (evidence, reports, the kill-switch
 * file, worker messages) appends to a pf_buf. Allocation failure is sticky:
 * once a call fails, buf->oom is set and later appends do nothing, so a
 * writer checks once at the end instead of after every append. pf_hexval
 * is the one hex-digit decoder the host's text readers share.
 */
#ifndef PF_BUF_H
#define PF_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct pf_buf {
    char *data;  /* NUL-terminated while not oom */
    size_t len;
    size_t cap;
    int oom;
} pf_buf;

void pf_buf_init(pf_buf *b);
void pf_buf_free(pf_buf *b); /* accepts NULL; leaves b empty and reusable */
void pf_buf_add(pf_buf *b, const void *p, size_t n);
void pf_buf_adds(pf_buf *b, const char *s);
void pf_buf_addc(pf_buf *b, char c);
void pf_buf_addf(pf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * JSON string literal of the n bytes at s, quotes included. Control
 * characters are escaped, invalid UTF-8 bytes become U+FFFD, so the output
 * is always valid JSON whatever the input.
 */
void pf_json_str(pf_buf *b, const char *s, size_t n);
void pf_json_strz(pf_buf *b, const char *s); /* NULL writes null */
/* A JSON number for a double; non-finite values are written as null. */
void pf_json_num(pf_buf *b, double v);

/* The value of the hex digit c (either case), or -1; shared by the readers
 * of \u escapes and %XX escapes. */
int pf_hexval(int c);

/*
 * Base64 (RFC 4648): url 0 is the standard alphabet, padded; url 1 is
 * base64url without padding (JWT, approval tokens). pf_base64_encode
 * appends to b. pf_base64_decode takes exactly n characters and returns
 * the length decoded into out (cap bytes), or -1 for anything that is not
 * the canonical encoding (a character outside the alphabet, bad padding,
 * leftover bits, more than cap bytes).
 */
void pf_base64_encode(const unsigned char *in, size_t n, int url, pf_buf *b);
long pf_base64_decode(const char *s, size_t n, int url, unsigned char *out,
                      size_t cap);

/*
 * The first value of "key" in a JSON text the host wrote itself (an audit
 * line, an evidence document whose top-level fields come before any
 * check's), as text into out: a string with its escapes decoded (\u
 * escapes and control bytes as '?'), a number or true/false as written,
 * "-" for null or a missing key. Never reads past s + n. Not a parser
 * for JSON from elsewhere.
 */
void pf_json_field(const char *s, size_t n, const char *key, char *out,
                   size_t outlen);

/* Decode one character of s[0..n), n > 0, into *cp and return the bytes
 * it used: an invalid, overlong, surrogate or truncated sequence uses one
 * byte and gives U+FFFD (the JSON writer and the report writers share
 * this one decoder). */
size_t pf_utf8_next(const char *s, size_t n, uint32_t *cp);

#endif
