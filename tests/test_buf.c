/*
 * test_buf.c: cmocka tests of the byte buffer and JSON writer (host/buf.c).
 *
 * The buffer: growth, NUL termination, sticky oom, pf_buf_addf on both
 * sides of its 256-byte stack buffer. The JSON writer: a table of exact
 * outputs for pf_json_str and pf_json_num, then a property test. The
 * property test does not trust the code under test: it parses the output
 * with a strict JSON string parser written here, and compares the decoded
 * text with an oracle that replaces ill-formed UTF-8 (Unicode Table 3-7,
 * implemented independently below) byte by byte with U+FFFD.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "testutil.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers --------------------------------------------------------- */

static void assert_buf_is(const pf_buf *b, const char *want, size_t wantlen)
{
    assert_false(b->oom);
    assert_non_null(b->data);
    assert_int_equal(b->len, wantlen);
    assert_true(b->cap >= b->len + 1);
    assert_int_equal(b->data[b->len], '\0');
    assert_memory_equal(b->data, want, wantlen);
}

/* The oracle: s with each byte not part of a well-formed sequence replaced
 * by U+FFFD (EF BF BD). */
static void sanitize(const unsigned char *s, size_t n, pf_buf *out)
{
    size_t i = 0, k;

    while (i < n) {
        k = wf_utf8(s + i, n - i);
        if (k == 0) {
            pf_buf_add(out, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            pf_buf_add(out, s + i, k);
            i += k;
        }
    }
}

static void put_utf8(pf_buf *out, unsigned long cp)
{
    unsigned char u[4];

    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        pf_buf_add(out, u, 1);
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        pf_buf_add(out, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        pf_buf_add(out, u, 3);
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        pf_buf_add(out, u, 4);
    }
}

static int hex4(const unsigned char *p, unsigned long *v)
{
    int i;

    *v = 0;
    for (i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

/*
 * Strict RFC 8259 parse of s[0..n) as exactly one JSON string literal,
 * decoded into out. Also enforces what buf.h promises beyond JSON: no raw
 * byte below 0x20 and no raw DEL. Returns 0, or -1 with *why set.
 */
static int json_string_decode(const unsigned char *s, size_t n, pf_buf *out,
                              const char **why)
{
    size_t i = 1, k;
    unsigned long cp, lo;

    if (n < 2 || s[0] != '"') {
        *why = "does not start with a quote";
        return -1;
    }
    while (i < n) {
        unsigned c = s[i];
        if (c == '"') {
            if (i != n - 1) {
                *why = "unescaped quote before the end";
                return -1;
            }
            return 0;
        }
        if (c < 0x20 || c == 0x7F) {
            *why = "raw control byte";
            return -1;
        }
        if (c == '\\') {
            if (i + 1 >= n) {
                *why = "backslash at the end";
                return -1;
            }
            switch (s[i + 1]) {
            case '"': pf_buf_addc(out, '"'); i += 2; continue;
            case '\\': pf_buf_addc(out, '\\'); i += 2; continue;
            case '/': pf_buf_addc(out, '/'); i += 2; continue;
            case 'b': pf_buf_addc(out, '\b'); i += 2; continue;
            case 'f': pf_buf_addc(out, '\f'); i += 2; continue;
            case 'n': pf_buf_addc(out, '\n'); i += 2; continue;
            case 'r': pf_buf_addc(out, '\r'); i += 2; continue;
            case 't': pf_buf_addc(out, '\t'); i += 2; continue;
            case 'u': break;
            default: *why = "bad escape"; return -1;
            }
            if (i + 6 > n || hex4(s + i + 2, &cp) != 0) {
                *why = "bad \\u escape";
                return -1;
            }
            i += 6;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                *why = "lone low surrogate escape";
                return -1;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' ||
                    hex4(s + i + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                    *why = "lone high surrogate escape";
                    return -1;
                }
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(out, cp);
            continue;
        }
        k = wf_utf8(s + i, n - i);
        if (k == 0) {
            *why = "ill-formed UTF-8 in the output";
            return -1;
        }
        pf_buf_add(out, s + i, k);
        i += k;
    }
    *why = "no closing quote";
    return -1;
}

/* pf_json_str(in) must parse, and decode to sanitize(in). */
static void check_json_str_property(const unsigned char *in, size_t n)
{
    pf_buf js, dec, want;
    const char *why = NULL;

    pf_buf_init(&js);
    pf_buf_init(&dec);
    pf_buf_init(&want);
    pf_json_str(&js, (const char *)in, n);
    assert_false(js.oom);
    if (json_string_decode((const unsigned char *)js.data, js.len, &dec,
                           &why) != 0) {
        fail_msg("input of %zu bytes (first %02x): output is not a valid "
                 "JSON string: %s", n, n ? in[0] : 0, why);
    }
    sanitize(in, n, &want);
    if (dec.len != want.len ||
        (want.len && memcmp(dec.data, want.data, want.len) != 0))
        fail_msg("input of %zu bytes (first %02x): decoded output differs "
                 "from the sanitized input", n, n ? in[0] : 0);
    pf_buf_free(&js);
    pf_buf_free(&dec);
    pf_buf_free(&want);
}

/* xorshift64*: a fixed-seed PRNG so failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* ---- pf_buf ---------------------------------------------------------- */

static void test_buf_init_is_empty(void **state)
{
    pf_buf b;

    (void)state;
    memset(&b, 0x5A, sizeof b);
    pf_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.oom, 0);
}

static void test_buf_growth_keeps_content(void **state)
{
    pf_buf b;
    char want[5000];
    size_t i;

    (void)state;
    pf_buf_init(&b);
    for (i = 0; i < sizeof want; i++) {
        want[i] = (char)('a' + i % 26);
        pf_buf_addc(&b, want[i]);
        /* after every append: exact length, terminated, room for the NUL */
        assert_int_equal(b.len, i + 1);
        assert_true(b.cap > b.len);
        assert_int_equal(b.data[b.len], '\0');
    }
    assert_buf_is(&b, want, sizeof want);
    assert_int_equal(strlen(b.data), sizeof want);
    pf_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_buf_add_big_blocks(void **state)
{
    static const size_t sizes[] = {0, 1, 255, 256, 257, 1023, 1024, 1025,
                                   4096, 70000};
    pf_buf b;
    char *src, *want;
    size_t i, total = 0, maxtotal = 0;

    (void)state;
    for (i = 0; i < NROWS(sizes); i++)
        maxtotal += sizes[i];
    src = malloc(70000);
    want = malloc(maxtotal + 1);
    assert_non_null(src);
    assert_non_null(want);
    for (i = 0; i < 70000; i++)
        src[i] = (char)(1 + i % 251); /* no NUL, so strlen checks work */
    pf_buf_init(&b);
    for (i = 0; i < NROWS(sizes); i++) {
        pf_buf_add(&b, src, sizes[i]);
        memcpy(want + total, src, sizes[i]);
        total += sizes[i];
        assert_buf_is(&b, want, total);
    }
    assert_int_equal(strlen(b.data), total);
    free(src);
    free(want);
    pf_buf_free(&b);
}

static void test_buf_add_zero_bytes_gives_empty_string(void **state)
{
    pf_buf b;

    (void)state;
    pf_buf_init(&b);
    pf_buf_add(&b, NULL, 0);
    assert_buf_is(&b, "", 0);
    assert_string_equal(b.data, "");
    pf_buf_free(&b);
}

static void test_buf_free_null_and_reuse(void **state)
{
    pf_buf b;

    (void)state;
    pf_buf_free(NULL); /* must not crash */
    pf_buf_init(&b);
    pf_buf_adds(&b, "first");
    pf_buf_free(&b);
    pf_buf_adds(&b, "second");
    assert_buf_is(&b, "second", 6);
    pf_buf_free(&b);
}

static void test_buf_oom_is_sticky(void **state)
{
    pf_buf b;
    static const char x = 'x';

    (void)state;
    pf_buf_init(&b);
    pf_buf_adds(&b, "kept");
    /* SIZE_MAX bytes can never fit: fails before any allocation */
    pf_buf_add(&b, &x, SIZE_MAX);
    assert_int_equal(b.oom, 1);
    assert_int_equal(b.len, 4);
    pf_buf_adds(&b, "more");
    pf_buf_addc(&b, 'c');
    pf_buf_addf(&b, "%d", 42);
    pf_buf_addf(&b, "%300s", "long");
    pf_json_strz(&b, "s");
    pf_json_num(&b, 1.0);
    assert_int_equal(b.oom, 1);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "kept", 4);
    pf_buf_free(&b);
    assert_int_equal(b.oom, 0);
}

/* pf_buf_addf around its 256-byte stack buffer, appended after a prefix. */
static void test_buf_addf_lengths(void **state)
{
    static const size_t lens[] = {0, 1, 200, 254, 255, 256, 257, 300, 511,
                                  512, 1000, 5000, 100000};
    size_t i, j;

    (void)state;
    for (i = 0; i < NROWS(lens); i++) {
        size_t n = lens[i];
        char *arg = malloc(n + 1), *want = malloc(n + 64);
        pf_buf b;
        int wl;

        assert_non_null(arg);
        assert_non_null(want);
        for (j = 0; j < n; j++)
            arg[j] = (char)('A' + j % 26);
        arg[n] = '\0';
        /* the formatted text is "<" arg ">" then a number: n + 2 + digits */
        wl = snprintf(want, n + 64, "pre:<%s>%d", arg, -123456);
        assert_true(wl > 0);
        pf_buf_init(&b);
        pf_buf_adds(&b, "pre:");
        pf_buf_addf(&b, "<%s>%d", arg, -123456);
        assert_buf_is(&b, want, (size_t)wl);
        /* and a second one after it, to check the offset */
        pf_buf_addf(&b, "|%zu|%s", n, arg);
        {
            size_t off = (size_t)wl;
            char *want2 = malloc(off + n + 64);
            int w2;
            assert_non_null(want2);
            memcpy(want2, want, off);
            w2 = snprintf(want2 + off, n + 64, "|%zu|%s", n, arg);
            assert_true(w2 > 0);
            assert_buf_is(&b, want2, off + (size_t)w2);
            free(want2);
        }
        pf_buf_free(&b);
        free(arg);
        free(want);
    }
}

static void test_buf_addf_long_format_exact(void **state)
{
    pf_buf b;
    char want[1200];
    size_t i;

    (void)state;
    pf_buf_init(&b);
    /* field widths make the output long without a long argument */
    pf_buf_addf(&b, "%-400s|%0400d|%s", "left", 7, "end");
    memset(want, ' ', sizeof want);
    memcpy(want, "left", 4);
    want[400] = '|';
    for (i = 0; i < 399; i++)
        want[401 + i] = '0';
    want[800] = '7';
    memcpy(want + 801, "|end", 4);
    assert_buf_is(&b, want, 805);
    pf_buf_free(&b);
}

/* ---- pf_json_str: exact outputs -------------------------------------- */

static const struct {
    const char *name;
    const char *in;
    size_t len;
    const char *want;
} json_str_rows[] = {
    {"empty", "", 0, "\"\""},
    {"plain", "redis ok", 8, "\"redis ok\""},
    {"quote", "a\"b", 3, "\"a\\\"b\""},
    {"backslash", "a\\b", 3, "\"a\\\\b\""},
    {"slash kept", "a/b", 3, "\"a/b\""},
    {"newline tab cr", "\n\t\r", 3, "\"\\n\\t\\r\""},
    {"U+0001", "\x01", 1, "\"\\u0001\""},
    {"U+001F", "\x1f", 1, "\"\\u001f\""},
    {"backspace", "\b", 1, "\"\\u0008\""},
    {"formfeed", "\f", 1, "\"\\u000c\""},
    {"escape char", "\x1b[31m", 5, "\"\\u001b[31m\""},
    {"DEL", "\x7f", 1, "\"\\u007f\""},
    {"space and tilde", " ~", 2, "\" ~\""},
    {"embedded NUL", "a\0b", 3, "\"a\\u0000b\""},
    {"only NULs", "\0\0", 2, "\"\\u0000\\u0000\""},
    {"e acute", "caf\xC3\xA9", 5, "\"caf\xC3\xA9\""},
    {"hangul", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4", 9,
     "\"\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4\""},
    {"emoji 4 bytes", "\xF0\x9F\x98\x80", 4, "\"\xF0\x9F\x98\x80\""},
    {"U+0080 smallest 2-byte", "\xC2\x80", 2, "\"\xC2\x80\""},
    {"U+0800 smallest 3-byte", "\xE0\xA0\x80", 3, "\"\xE0\xA0\x80\""},
    {"U+D7FF below surrogates", "\xED\x9F\xBF", 3, "\"\xED\x9F\xBF\""},
    {"U+E000 above surrogates", "\xEE\x80\x80", 3, "\"\xEE\x80\x80\""},
    {"U+FFFF", "\xEF\xBF\xBF", 3, "\"\xEF\xBF\xBF\""},
    {"U+10000 smallest 4-byte", "\xF0\x90\x80\x80", 4,
     "\"\xF0\x90\x80\x80\""},
    {"U+10FFFF largest", "\xF4\x8F\xBF\xBF", 4, "\"\xF4\x8F\xBF\xBF\""},
    {"lone continuation", "a\x80z", 3, "\"a\\ufffdz\""},
    {"two continuations", "\xBF\x80", 2, "\"\\ufffd\\ufffd\""},
    {"truncated 2-byte at end", "a\xC3", 2, "\"a\\ufffd\""},
    {"truncated 3-byte at end", "a\xE2\x82", 3, "\"a\\ufffd\\ufffd\""},
    {"truncated 4-byte at end", "\xF0\x9F\x98", 3,
     "\"\\ufffd\\ufffd\\ufffd\""},
    {"lead then ASCII", "\xC3" "A", 2, "\"\\ufffdA\""},
    {"lead then quote", "\xE2\"", 2, "\"\\ufffd\\\"\""},
    {"overlong C0 AF", "\xC0\xAF", 2, "\"\\ufffd\\ufffd\""},
    {"overlong C1 BF", "\xC1\xBF", 2, "\"\\ufffd\\ufffd\""},
    {"overlong E0 80 AF", "\xE0\x80\xAF", 3, "\"\\ufffd\\ufffd\\ufffd\""},
    {"overlong F0 80 80 AF", "\xF0\x80\x80\xAF", 4,
     "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
    {"surrogate ED A0 80", "\xED\xA0\x80", 3,
     "\"\\ufffd\\ufffd\\ufffd\""},
    {"surrogate ED BF BF", "\xED\xBF\xBF", 3,
     "\"\\ufffd\\ufffd\\ufffd\""},
    {"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", 4,
     "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
    {"F5 lead", "\xF5\x80\x80\x80", 4,
     "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
    {"FE FF", "\xFE\xFF", 2, "\"\\ufffd\\ufffd\""},
    {"valid after invalid", "\xFF\xC3\xA9", 3, "\"\\ufffd\xC3\xA9\""},
};

static void test_json_str_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(json_str_rows); i++) {
        pf_buf b;
        pf_buf_init(&b);
        pf_json_str(&b, json_str_rows[i].in, json_str_rows[i].len);
        assert_false(b.oom);
        if (b.len != strlen(json_str_rows[i].want) ||
            memcmp(b.data, json_str_rows[i].want, b.len) != 0)
            fail_msg("row %zu (%s): got [%s], want [%s]", i,
                     json_str_rows[i].name, b.data, json_str_rows[i].want);
        /* every row also satisfies the general property */
        check_json_str_property((const unsigned char *)json_str_rows[i].in,
                                json_str_rows[i].len);
        pf_buf_free(&b);
    }
}

static void test_json_str_appends_after_content(void **state)
{
    pf_buf b;

    (void)state;
    pf_buf_init(&b);
    pf_buf_adds(&b, "{\"k\":");
    pf_json_str(&b, "v\n", 2);
    pf_buf_addc(&b, '}');
    assert_buf_is(&b, "{\"k\":\"v\\n\"}", 11);
    pf_buf_free(&b);
}

static void test_json_strz_null_and_text(void **state)
{
    pf_buf b;

    (void)state;
    pf_buf_init(&b);
    pf_json_strz(&b, NULL);
    pf_buf_addc(&b, ',');
    pf_json_strz(&b, "a\tb");
    pf_buf_addc(&b, ',');
    pf_json_strz(&b, "");
    assert_buf_is(&b, "null,\"a\\tb\",\"\"", 14);
    pf_buf_free(&b);
}

static void test_json_str_long_input(void **state)
{
    /* 10000 copies of a 5-byte mix: escapes, 2-byte UTF-8, invalid byte */
    static const char unit[] = "\"\xC3\xA9\xFF\n";
    size_t n = 10000 * 5, i;
    char *in = malloc(n);
    pf_buf b;

    (void)state;
    assert_non_null(in);
    for (i = 0; i < 10000; i++)
        memcpy(in + i * 5, unit, 5);
    pf_buf_init(&b);
    pf_json_str(&b, in, n);
    /* per unit: \" (2) + e-acute (2) + \ufffd (6) + \n (2) = 12, plus quotes */
    assert_false(b.oom);
    assert_int_equal(b.len, 10000 * 12 + 2);
    assert_memory_equal(b.data + 1, "\\\"\xC3\xA9\\ufffd\\n", 12);
    assert_memory_equal(b.data + 1 + 9999 * 12, "\\\"\xC3\xA9\\ufffd\\n\"",
                        13);
    check_json_str_property((const unsigned char *)in, n);
    pf_buf_free(&b);
    free(in);
}

/* ---- pf_json_str: property over many inputs -------------------------- */

static void test_json_str_all_short_inputs(void **state)
{
    unsigned char s[4];
    unsigned a, c, d, e;
    static const unsigned char edge[] = {0x00, 0x7F, 0x80, 0x8F, 0x90,
                                         0x9F, 0xA0, 0xBF, 0xC0, 0x41};

    (void)state;
    /* every 1- and 2-byte string */
    for (a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        check_json_str_property(s, 1);
        for (c = 0; c < 256; c++) {
            s[1] = (unsigned char)c;
            check_json_str_property(s, 2);
        }
    }
    /* 3-byte strings: every lead E0..EF with second and third bytes
     * around the continuation range */
    for (a = 0xE0; a <= 0xEF; a++) {
        for (c = 0x7E; c <= 0xC1; c++) {
            for (d = 0x7E; d <= 0xC1; d++) {
                s[0] = (unsigned char)a;
                s[1] = (unsigned char)c;
                s[2] = (unsigned char)d;
                check_json_str_property(s, 3);
            }
        }
    }
    /* 4-byte strings: leads F0..F7, second byte around the range, edges
     * for the last two */
    for (a = 0xF0; a <= 0xF7; a++) {
        for (c = 0x7E; c <= 0xC1; c++) {
            for (d = 0; d < NROWS(edge); d++) {
                for (e = 0; e < NROWS(edge); e++) {
                    s[0] = (unsigned char)a;
                    s[1] = (unsigned char)c;
                    s[2] = edge[d];
                    s[3] = edge[e];
                    check_json_str_property(s, 4);
                }
            }
        }
    }
}

static void test_json_str_random_bytes_are_valid_json(void **state)
{
    unsigned char s[96];
    int iter;

    (void)state;
    rng_state = 0x9E3779B97F4A7C15ull;
    for (iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)(rng() % sizeof s), i = 0;
        while (i < n) {
            uint64_t r = rng();
            switch (r % 4) {
            case 0: /* printable ASCII, quotes and backslashes included */
                s[i++] = (unsigned char)(0x20 + (r >> 8) % 95);
                break;
            case 1: /* a control byte or DEL */
                s[i++] = (unsigned char)((r >> 8) % 33 == 32 ? 0x7F
                                                            : (r >> 8) % 32);
                break;
            case 2: /* any byte at all */
                s[i++] = (unsigned char)(r >> 8);
                break;
            default: { /* a valid code point, possibly cut by the end */
                static const unsigned long top[] = {0x80, 0x800, 0x10000,
                                                    0x110000};
                unsigned long cp = (unsigned long)((r >> 8) % top[(r >> 40) % 4]);
                pf_buf u;
                pf_buf_init(&u);
                if (cp >= 0xD800 && cp <= 0xDFFF)
                    cp = 0xFFFD;
                put_utf8(&u, cp);
                memcpy(s + i, u.data, u.len <= n - i ? u.len : n - i);
                i += u.len <= n - i ? u.len : n - i;
                pf_buf_free(&u);
                break;
            }
            }
        }
        check_json_str_property(s, n);
    }
}

/* ---- pf_json_num ------------------------------------------------------ */

static const struct {
    double in;
    const char *want;
} json_num_rows[] = {
    {0.0, "0"},
    {1.0, "1"},
    {-1.0, "-1"},
    {42.0, "42"},
    {-123456789.0, "-123456789"},
    {1e15, "1000000000000000"},
    {9007199254740991.0, "9007199254740991"}, /* 2^53 - 1 */
    {0.5, "0.5"},
    {-0.25, "-0.25"},
    {1.5, "1.5"},
    {0.1, "0.10000000000000001"},
    {1234.5678, "1234.5678"},
    {1e-7, "9.9999999999999995e-08"},
    {9007199254740992.0, "9007199254740992"}, /* 2^53: %.17g from here */
    {1e21, "1e+21"},
    {-1e300, "-1.0000000000000001e+300"},
};

static void test_json_num_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(json_num_rows); i++) {
        pf_buf b;
        pf_buf_init(&b);
        pf_json_num(&b, json_num_rows[i].in);
        assert_false(b.oom);
        if (strcmp(b.data, json_num_rows[i].want) != 0)
            fail_msg("row %zu: got %s, want %s", i, b.data,
                     json_num_rows[i].want);
        pf_buf_free(&b);
    }
}

static void test_json_num_non_finite_is_null(void **state)
{
    const double bad[] = {NAN, -NAN, INFINITY, -INFINITY};
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(bad); i++) {
        pf_buf b;
        pf_buf_init(&b);
        pf_json_num(&b, bad[i]);
        assert_buf_is(&b, "null", 4);
        pf_buf_free(&b);
    }
}

/* Any finite double: valid JSON number text that reads back exactly. */
static void test_json_num_round_trips(void **state)
{
    const double fixed[] = {-0.0,
                            9007199254740992.0,
                            -9007199254740992.0,
                            1e21,
                            1e300,
                            -1e-300,
                            5e-324,
                            1.7976931348623157e308,
                            2.2250738585072014e-308,
                            123456.789,
                            0.3};
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(fixed) + 5000; i++) {
        double v;
        pf_buf b;
        if (i < NROWS(fixed)) {
            v = fixed[i];
        } else {
            uint64_t bits;
            do {
                bits = rng();
                memcpy(&v, &bits, sizeof v);
            } while (!isfinite(v));
        }
        pf_buf_init(&b);
        pf_json_num(&b, v);
        assert_false(b.oom);
        if (!json_number_ok(b.data))
            fail_msg("%.17g written as %s: not a JSON number", v, b.data);
        if (strtod(b.data, NULL) != v)
            fail_msg("%.17g written as %s: reads back as %.17g", v, b.data,
                     strtod(b.data, NULL));
        pf_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_init_is_empty),
        cmocka_unit_test(test_buf_growth_keeps_content),
        cmocka_unit_test(test_buf_add_big_blocks),
        cmocka_unit_test(test_buf_add_zero_bytes_gives_empty_string),
        cmocka_unit_test(test_buf_free_null_and_reuse),
        cmocka_unit_test(test_buf_oom_is_sticky),
        cmocka_unit_test(test_buf_addf_lengths),
        cmocka_unit_test(test_buf_addf_long_format_exact),
        cmocka_unit_test(test_json_str_table),
        cmocka_unit_test(test_json_str_appends_after_content),
        cmocka_unit_test(test_json_strz_null_and_text),
        cmocka_unit_test(test_json_str_long_input),
        cmocka_unit_test(test_json_str_all_short_inputs),
        cmocka_unit_test(test_json_str_random_bytes_are_valid_json),
        cmocka_unit_test(test_json_num_table),
        cmocka_unit_test(test_json_num_non_finite_is_null),
        cmocka_unit_test(test_json_num_round_trips),
    };

    return cmocka_run_group_tests(tests, 0, NULL);
}
