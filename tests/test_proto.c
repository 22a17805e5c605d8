/*
 * test_proto.c: cmocka tests of the worker protocol (host/proto.c).
 *
 * Round trips of every field of a pf_check through the RESULT frame, the
 * framing rules (truncation, magic, type, reserved byte, length caps), the
 * START frame, and a table of malformed RESULT payloads that the decoder
 * must refuse, each leaving the struct cleared. Payloads are built here by
 * an independent encoder of the documented wire format, not by
 * pf_proto_result, so a bug shared by encoder and decoder cannot hide.
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
#include "proto.h"
#include "result.h"
#include "testutil.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* Field tags of a RESULT payload: the wire format (proto.c). */
enum {
    T_ID = 1,
    T_TITLE = 2,
    T_TAG = 3,
    T_TIMEOUT = 4,
    T_STATUS = 5,
    T_REASON = 6,
    T_MESSAGE = 7,
    T_DETAIL = 8,
    T_SHA256 = 9,
    T_DURATION = 10,
    T_MODULE = 12, /* 64 hex digits, then the module's path */
    T_GUARDF = 13
};

#define SHA_OK "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- an independent encoder ----------------------------------------- */

static void put_u32le(unsigned char *o, uint32_t v)
{
    o[0] = (unsigned char)(v & 0xFF);
    o[1] = (unsigned char)((v >> 8) & 0xFF);
    o[2] = (unsigned char)((v >> 16) & 0xFF);
    o[3] = (unsigned char)((v >> 24) & 0xFF);
}

/* One field whose header says declared bytes, followed by n bytes of p. */
static void raw_field(pf_buf *b, int tag, uint32_t declared, const void *p,
                      size_t n)
{
    unsigned char h[5];

    h[0] = (unsigned char)tag;
    put_u32le(h + 1, declared);
    pf_buf_add(b, h, 5);
    pf_buf_add(b, p, n);
}

static void field(pf_buf *b, int tag, const void *p, size_t n)
{
    raw_field(b, tag, (uint32_t)n, p, n);
}

static void fill_field(pf_buf *b, int tag, char ch, size_t n)
{
    char *s = malloc(n ? n : 1);

    assert_non_null(s);
    memset(s, ch, n);
    field(b, tag, s, n);
    free(s);
}

/* A detail: key, NUL, type digit, value. */
static void detail_field(pf_buf *b, const char *k, size_t klen, char type,
                         const char *v, size_t vlen)
{
    pf_buf d;

    pf_buf_init(&d);
    pf_buf_add(&d, k, klen);
    pf_buf_addc(&d, '\0');
    pf_buf_addc(&d, type);
    pf_buf_add(&d, v, vlen);
    assert_false(d.oom);
    field(b, T_DETAIL, d.data, d.len);
    pf_buf_free(&d);
}

/* ---- a table of payloads ---------------------------------------------- */

typedef enum {
    K_END = 0,
    K_FIELD,       /* tag, data, len */
    K_FILL,        /* tag, len bytes of data[0] */
    K_RAW,         /* data, len: bytes without a header */
    K_LIE,         /* tag, header says n, data/len follow */
    K_TAGS,        /* n distinct valid tags */
    K_DETAILS,     /* n distinct valid details */
    K_DETAIL_KEY,  /* detail with an n-byte key */
    K_DETAIL_VAL,  /* detail with an n-byte string value */
    K_MODULES      /* n valid module fields */
} kind;

typedef struct {
    kind k;
    int tag;
    const char *data;
    size_t len;
    size_t n;
} spec;

#define F(tag, lit) {K_FIELD, tag, lit, sizeof(lit) - 1, 0}
#define FILL(tag, ch, n) {K_FILL, tag, ch, 0, n}
#define RAW(lit) {K_RAW, 0, lit, sizeof(lit) - 1, 0}
#define LIE(tag, n, lit) {K_LIE, tag, lit, sizeof(lit) - 1, n}
#define TAGS(n) {K_TAGS, 0, NULL, 0, n}
#define DETAILS(n) {K_DETAILS, 0, NULL, 0, n}
#define DKEY(n) {K_DETAIL_KEY, 0, NULL, 0, n}
#define DVAL(n) {K_DETAIL_VAL, 0, NULL, 0, n}
#define MODULES(n) {K_MODULES, 0, NULL, 0, n}

#define ID F(T_ID, "a.b")
#define TITLE F(T_TITLE, "Title")
#define ST(x) F(T_STATUS, x)
#define RS(x) F(T_REASON, x)
#define MSG F(T_MESSAGE, "ok")
#define PASS ST("\x00")
#define FAIL ST("\x01")
#define ERR ST("\x02")
#define NONE RS("\x00")
#define BASE ID, TITLE, PASS, NONE, MSG

static void build(pf_buf *b, const spec *f)
{
    size_t i, j;
    char tmp[32];

    for (i = 0; f[i].k != K_END; i++) {
        switch (f[i].k) {
        case K_FIELD: field(b, f[i].tag, f[i].data, f[i].len); break;
        case K_FILL: fill_field(b, f[i].tag, f[i].data[0], f[i].n); break;
        case K_RAW: pf_buf_add(b, f[i].data, f[i].len); break;
        case K_LIE:
            raw_field(b, f[i].tag, (uint32_t)f[i].n, f[i].data, f[i].len);
            break;
        case K_TAGS:
            for (j = 0; j < f[i].n; j++) {
                int l = snprintf(tmp, sizeof tmp, "tag%zu", j);
                field(b, T_TAG, tmp, (size_t)l);
            }
            break;
        case K_DETAILS:
            for (j = 0; j < f[i].n; j++) {
                int l = snprintf(tmp, sizeof tmp, "key%zu", j);
                detail_field(b, tmp, (size_t)l, '1', "7", 1);
            }
            break;
        case K_DETAIL_KEY: {
            char *k = malloc(f[i].n);
            assert_non_null(k);
            memset(k, 'k', f[i].n);
            detail_field(b, k, f[i].n, '0', "v", 1);
            free(k);
            break;
        }
        case K_DETAIL_VAL: {
            char *v = malloc(f[i].n);
            assert_non_null(v);
            memset(v, 'v', f[i].n);
            detail_field(b, "k", 1, '0', v, f[i].n);
            free(v);
            break;
        }
        case K_MODULES:
            for (j = 0; j < f[i].n; j++) {
                char m[128];
                int l = snprintf(m, sizeof m, "%slib/m%zu.lua", SHA_OK, j);
                field(b, T_MODULE, m, (size_t)l);
            }
            break;
        case K_END: break;
        }
    }
    assert_false(b->oom);
}

static const struct {
    const char *name;
    const char *why; /* a word the error message must contain */
    spec f[12];
} reject_rows[] = {
    {"empty payload", "missing", {{K_END, 0, NULL, 0, 0}}},
    {"truncated field header", "truncated", {BASE, RAW("\x07\x01\x00")}},
    {"one byte after the fields", "truncated", {BASE, RAW("\x07")}},
    {"field longer than message", "longer", {ID, TITLE, PASS, NONE,
                                   LIE(T_MESSAGE, 100, "ok")}},
    {"field length 0xffffffff", "longer", {ID, TITLE, PASS, NONE,
                                 LIE(T_MESSAGE, 0xFFFFFFFFu, "ok")}},
    {"duplicate id", "id", {BASE, F(T_ID, "c.d")}},
    {"duplicate id, same value", "id", {BASE, ID}},
    {"duplicate title", "title", {BASE, F(T_TITLE, "Other")}},
    {"duplicate status", "status", {BASE, PASS}},
    {"duplicate status, other value", "status", {BASE, FAIL}},
    {"duplicate reason", "reason", {BASE, NONE}},
    {"duplicate message", "message", {BASE, F(T_MESSAGE, "again")}},
    {"duplicate timeout", "timeout", {BASE, F(T_TIMEOUT, "10"), F(T_TIMEOUT, "20")}},
    {"duplicate duration", "duration", {BASE, F(T_DURATION, "1.5"),
                            F(T_DURATION, "1.5")}},
    {"duplicate sha256", "sha256", {BASE, F(T_SHA256, SHA_OK), F(T_SHA256, SHA_OK)}},
    {"unknown tag 0", "unknown", {BASE, F(0, "x")}},
    {"unknown tag 15", "unknown", {BASE, F(15, "x")}},
    {"guard_failures 0", "guard_failures", {BASE, F(T_GUARDF, "\x00")}},
    {"guard_failures 6", "guard_failures", {BASE, F(T_GUARDF, "\x06")}},
    {"guard_failures of 2 bytes", "guard_failures", {BASE, F(T_GUARDF, "\x01\x01")}},
    {"duplicate guard_failures", "guard_failures", {BASE, F(T_GUARDF, "\x02"), F(T_GUARDF, "\x02")}},
    {"module without a path", "module", {BASE, F(T_MODULE, SHA_OK)}},
    {"module shorter than a digest", "module", {BASE, F(T_MODULE, "0123abc")}},
    {"module digest uppercase", "module",
     {BASE, F(T_MODULE, "0123456789ABCDEF0123456789abcdef"
                        "0123456789abcdef0123456789abcdef" "lib/a.lua")}},
    {"module path with NUL", "module",
     {BASE, F(T_MODULE, SHA_OK "lib/a\0.lua")}},
    {"module path longer than 4096", "module",
     {BASE, FILL(T_MODULE, "a", 64 + PF_MAX_MODULE_PATH + 1)}},
    {"129 modules", "module", {BASE, MODULES(PF_MAX_MODULES + 1)}},
        {"log with a NUL", "log", {BASE, F(14, "a\0b")}},
    {"bad job index", "index", {BASE, F(11, "x")}},
    {"duplicate job index", "index", {BASE, F(11, "1"), F(11, "2")}},
    {"unknown tag 255", "unknown", {BASE, F(255, "")}},
    {"status byte 5", "status", {ID, TITLE, ST("\x05"), NONE, MSG}},
    {"status byte 255", "status", {ID, TITLE, ST("\xff"), NONE, MSG}},
    {"status ASCII '0'", "status", {ID, TITLE, ST("0"), NONE, MSG}},
    {"status of 2 bytes", "status", {ID, TITLE, ST("\x00\x00"), NONE, MSG}},
    {"status of 0 bytes", "status", {ID, TITLE, ST(""), NONE, MSG}},
    {"reason byte 7 (required: the verdict's, not a worker's)", "reason",
     {ID, TITLE, ERR, RS("\x07"), MSG}},
    {"skip claiming to be required", "reason",
     {ID, TITLE, ST("\x03"), RS("\x07"), MSG}},
    {"reason byte 8", "reason", {ID, TITLE, ERR, RS("\x08"), MSG}},
    {"reason byte 255", "reason", {ID, TITLE, ERR, RS("\xff"), MSG}},
    {"reason of 0 bytes", "reason", {ID, TITLE, ERR, RS(""), MSG}},
    {"status missing", "missing", {ID, TITLE, NONE, MSG}},
    {"reason missing", "missing", {ID, TITLE, PASS, MSG}},
    {"error without reason", "reason", {ID, TITLE, ERR, NONE, MSG}},
    {"pass with a reason", "reason", {ID, TITLE, PASS, RS("\x01"), MSG}},
    {"fail with a reason", "reason", {ID, TITLE, FAIL, RS("\x04"), MSG}},
    {"pass without message", "message", {ID, TITLE, PASS, NONE}},
    {"skip without message", "message", {ID, TITLE, ST("\x03"), NONE}},
    {"skip without id", "id", {TITLE, ST("\x03"), NONE, MSG}},
    {"pass without id", "id", {TITLE, PASS, NONE, MSG}},
    {"pass without title", "title", {ID, PASS, NONE, MSG}},
    {"fail without id", "id", {TITLE, FAIL, NONE, MSG}},
    {"id uppercase", "id", {F(T_ID, "Redis.ping"), TITLE, PASS, NONE, MSG}},
    {"id starts with a dot", "id", {F(T_ID, ".a"), TITLE, PASS, NONE, MSG}},
    {"id with a space", "id", {F(T_ID, "a b"), TITLE, PASS, NONE, MSG}},
    {"id empty", "id", {F(T_ID, ""), TITLE, PASS, NONE, MSG}},
    {"id with NUL", "id", {F(T_ID, "a\0b"), TITLE, PASS, NONE, MSG}},
    {"id of 129 bytes", "id", {FILL(T_ID, "a", 129), TITLE, PASS, NONE, MSG}},
    {"17 tags", "tag", {BASE, TAGS(17)}},
    {"tag uppercase", "tag", {BASE, F(T_TAG, "Infra")}},
    {"tag with a dot", "tag", {BASE, F(T_TAG, "a.b")}},
    {"tag empty", "tag", {BASE, F(T_TAG, "")}},
    {"tag with NUL", "tag", {BASE, F(T_TAG, "a\0b")}},
    {"tag of 65 bytes", "tag", {BASE, FILL(T_TAG, "t", 65)}},
    {"NUL in message", "message", {ID, TITLE, PASS, NONE, F(T_MESSAGE, "o\0k")}},
    {"message of 4161 bytes", "message", {ID, TITLE, PASS, NONE,
                               FILL(T_MESSAGE, "m", PF_MAX_MESSAGE + 65)}},
    {"NUL in title", "title", {ID, F(T_TITLE, "T\0x"), PASS, NONE, MSG}},
    {"title of 801 bytes", "title", {ID, FILL(T_TITLE, "t", PF_MAX_TITLE * 4 + 1),
                            PASS, NONE, MSG}},
    {"detail without NUL", "detail", {BASE, F(T_DETAIL, "key0value")}},
    {"detail without type byte", "detail", {BASE, F(T_DETAIL, "key\0")}},
    {"detail type '4'", "detail", {BASE, F(T_DETAIL, "key\0" "4v")}},
    {"detail type 'x'", "detail", {BASE, F(T_DETAIL, "key\0" "xv")}},
    {"detail type '/'", "detail", {BASE, F(T_DETAIL, "key\0" "/v")}},
    {"detail type byte 0", "detail", {BASE, F(T_DETAIL, "key\0\0v")}},
    {"detail empty key", "detail", {BASE, F(T_DETAIL, "\0" "0v")}},
    {"detail key of 65 bytes", "detail", {BASE, DKEY(PF_MAX_KEY + 1)}},
    {"detail value of 1025 bytes", "detail", {BASE, DVAL(PF_MAX_VALUE + 1)}},
    {"detail value with NUL", "detail", {BASE, F(T_DETAIL, "key\0" "0a\0b")}},
    {"65 details", "detail", {BASE, DETAILS(65)}},
    {"sha256 uppercase", "sha256", {BASE, F(T_SHA256, "0123456789ABCDEF0123456789abcdef"
                                            "0123456789abcdef0123456789abcdef")}},
    {"sha256 of 63", "sha256", {BASE, F(T_SHA256, "0123456789abcdef0123456789abcdef"
                                        "0123456789abcdef0123456789abcde")}},
    {"sha256 of 65", "sha256", {BASE, F(T_SHA256, SHA_OK "0")}},
    {"sha256 not hex", "sha256", {BASE, F(T_SHA256, "g123456789abcdef0123456789abcdef"
                                          "0123456789abcdef0123456789abcdef")}},
    {"sha256 with NUL", "sha256", {BASE, F(T_SHA256, "\0" "123456789abcdef0123456789abcdef"
                                           "0123456789abcdef0123456789abcdef")}},
    {"timeout +5", "timeout", {BASE, F(T_TIMEOUT, "+5")}},
    {"timeout -5", "timeout", {BASE, F(T_TIMEOUT, "-5")}},
    {"timeout 5ms", "timeout", {BASE, F(T_TIMEOUT, "5ms")}},
    {"timeout letters", "timeout", {BASE, F(T_TIMEOUT, "abc")}},
    {"timeout empty", "timeout", {BASE, F(T_TIMEOUT, "")}},
    {"timeout with a point", "timeout", {BASE, F(T_TIMEOUT, "1.5")}},
    {"timeout with a space", "timeout", {BASE, F(T_TIMEOUT, " 5")}},
    {"timeout hex", "timeout", {BASE, F(T_TIMEOUT, "0x10")}},
    {"timeout over a day", "timeout", {BASE, F(T_TIMEOUT, "86400001")}},
    {"timeout of 40 digits", "timeout", {BASE, FILL(T_TIMEOUT, "1", 40)}},
    {"duration .5", "duration", {BASE, F(T_DURATION, ".5")}},
    {"duration 5.", "duration", {BASE, F(T_DURATION, "5.")}},
    {"duration two points", "duration", {BASE, F(T_DURATION, "1.2.3")}},
    {"duration negative", "duration", {BASE, F(T_DURATION, "-1")}},
    {"duration exponent", "duration", {BASE, F(T_DURATION, "1e3")}},
    {"duration nan", "duration", {BASE, F(T_DURATION, "nan")}},
    {"duration empty", "duration", {BASE, F(T_DURATION, "")}},
};

static void test_decode_rejects_table(void **state)
{
    size_t i;
    char *sentinel = (char *)"checks/kept.lua";

    (void)state;
    for (i = 0; i < NROWS(reject_rows); i++) {
        pf_buf b;
        pf_check c;
        char err[200];
        int rc;

        memset(&c, 0, sizeof c);
        c.file = sentinel;
        err[0] = '\0';
        pf_buf_init(&b);
        build(&b, reject_rows[i].f);
        rc = pf_proto_decode_result((const unsigned char *)b.data, b.len, &c,
                                    err, sizeof err);
        if (rc != -1)
            fail_msg("row %zu (%s): accepted", i, reject_rows[i].name);
        if (strstr(err, reject_rows[i].why) == NULL)
            fail_msg("row %zu (%s): refused for another reason: \"%s\"", i,
                     reject_rows[i].name, err);
        if (c.id != NULL || c.title != NULL || c.message != NULL ||
            c.ntags != 0 || c.ndetails != 0 || c.sha256[0] != '\0')
            fail_msg("row %zu (%s): struct not cleared", i,
                     reject_rows[i].name);
        assert_ptr_equal(c.file, sentinel);
        pf_buf_free(&b);
    }
}

static const struct {
    const char *name;
    spec f[12];
} accept_rows[] = {
    {"pass", {BASE}},
    {"fields in another order", {MSG, NONE, PASS, TITLE, ID}},
    {"fail without message", {ID, TITLE, FAIL, NONE}},
    {"error without id or title", {ERR, RS("\x05"), MSG}},
    {"skip", {ID, TITLE, ST("\x03"), NONE, MSG}},
    {"not selected", {ID, TITLE, ST("\x04"), NONE}},
    {"timeout 0", {BASE, F(T_TIMEOUT, "0")}},
    {"timeout of a day", {BASE, F(T_TIMEOUT, "86400000")}},
    {"duration 0.5", {BASE, F(T_DURATION, "0.5")}},
    {"duration 12", {BASE, F(T_DURATION, "12")}},
    {"16 tags", {BASE, TAGS(16)}},
    {"64 details", {BASE, DETAILS(64)}},
    {"detail key of 64", {BASE, DKEY(PF_MAX_KEY)}},
    {"detail value of 1024", {BASE, DVAL(PF_MAX_VALUE)}},
    {"detail empty value", {BASE, F(T_DETAIL, "k\0" "0")}},
    {"id of 128", {FILL(T_ID, "a", PF_MAX_ID), TITLE, PASS, NONE, MSG}},
    {"title of 800", {ID, FILL(T_TITLE, "t", PF_MAX_TITLE * 4), PASS, NONE,
                      MSG}},
    {"message of 4160", {ID, TITLE, PASS, NONE,
                         FILL(T_MESSAGE, "m", PF_MAX_MESSAGE + 64)}},
    {"empty message", {ID, TITLE, PASS, NONE, F(T_MESSAGE, "")}},
    {"sha256", {BASE, F(T_SHA256, SHA_OK)}},
};

static void test_decode_accepts_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(accept_rows); i++) {
        pf_buf b;
        pf_check c;
        char err[200] = "";

        memset(&c, 0, sizeof c);
        pf_buf_init(&b);
        build(&b, accept_rows[i].f);
        if (pf_proto_decode_result((const unsigned char *)b.data, b.len, &c,
                                   err, sizeof err) != 0)
            fail_msg("row %zu (%s): refused: %s", i, accept_rows[i].name,
                     err);
        pf_check_clear(&c);
        pf_buf_free(&b);
    }
}

/* Decoded values of a hand-built payload, to pin the field meanings. */
static void test_decode_values(void **state)
{
    static const spec f[] = {
        F(T_ID, "x.y-z_1"), F(T_TITLE, "A title"), F(T_TAG, "infra"),
        F(T_TAG, "db_1"), F(T_TIMEOUT, "2500"), ST("\x02"), RS("\x03"),
        F(T_MESSAGE, "worker crashed"), F(T_DETAIL, "sig\0" "111"),
        F(T_SHA256, SHA_OK), F(T_DURATION, "12.5"), {K_END, 0, NULL, 0, 0}};
    pf_buf b;
    pf_check c;
    char err[200] = "";

    (void)state;
    memset(&c, 0, sizeof c);
    pf_buf_init(&b);
    build(&b, f);
    assert_int_equal(pf_proto_decode_result((const unsigned char *)b.data,
                                            b.len, &c, err, sizeof err),
                     0);
    assert_string_equal(c.id, "x.y-z_1");
    assert_string_equal(c.title, "A title");
    assert_int_equal(c.ntags, 2);
    assert_string_equal(c.tags[0], "infra");
    assert_string_equal(c.tags[1], "db_1");
    assert_int_equal(c.timeout_ms, 2500);
    assert_int_equal(c.status, PF_STATUS_ERROR);
    assert_int_equal(c.reason, PF_REASON_CRASH);
    assert_string_equal(c.message, "worker crashed");
    assert_int_equal(c.ndetails, 1);
    assert_string_equal(c.details[0].key, "sig");
    assert_int_equal(c.details[0].type, PF_DETAIL_INTEGER);
    assert_string_equal(c.details[0].value, "11");
    assert_string_equal(c.sha256, SHA_OK);
    assert_true(c.duration_ms == 12.5);
    pf_check_clear(&c);
    pf_buf_free(&b);
}

/* Decode BASE plus one detail field; returns the decoder's result and
 * leaves the decoded check in c. */
static int decode_with_detail(const char *d, size_t len, pf_check *c)
{
    static const spec base[] = {BASE, {K_END, 0, NULL, 0, 0}};
    pf_buf b;
    char err[200] = "";
    int rc;

    memset(c, 0, sizeof *c);
    pf_buf_init(&b);
    build(&b, base);
    field(&b, T_DETAIL, d, len);
    rc = pf_proto_decode_result((const unsigned char *)b.data, b.len, c, err,
                                sizeof err);
    pf_buf_free(&b);
    return rc;
}

#define D(name, lit) {name, lit, sizeof(lit) - 1}

/*
 * Details of a non-string type are copied into the evidence unquoted
 * (evidence.c), so the decoder takes for INTEGER and NUMBER only what the
 * worker's "%lld" and "%.17g" make, and for BOOLEAN only true or false.
 */
static const struct {
    const char *name;
    const char *d;
    size_t len;
    int ok;
} typed_rows[] = {
#define OK(name, lit) {name, lit, sizeof(lit) - 1, 1}
#define NO(name, lit) {name, lit, sizeof(lit) - 1, 0}
    OK("integer", "k\0" "1-3"),
    OK("integer zero", "k\0" "10"),
    OK("integer -0", "k\0" "1-0"),
    OK("integer max", "k\0" "19223372036854775807"),
    OK("integer min", "k\0" "1-9223372036854775808"),
    OK("number", "k\0" "20.25"),
    OK("number exponent", "k\0" "21.0000000000000001e+300"),
    OK("number small", "k\0" "29.9999999999999995e-08"),
    OK("number integral", "k\0" "23"),
    OK("boolean true", "k\0" "3true"),
    OK("boolean false", "k\0" "3false"),
    OK("string anything", "k\0" "0***0,{}"),
    NO("integer with JSON inside", "k\0" "11,\"x\":{}"),
    NO("integer letters", "k\0" "1abc"),
    NO("integer empty", "k\0" "1"),
    NO("integer minus only", "k\0" "1-"),
    NO("integer with a point", "k\0" "11.5"),
    NO("integer 21 digits", "k\0" "1123456789012345678901"),
    NO("number nan", "k\0" "2nan"),
    NO("number inf", "k\0" "2inf"),
    NO("number 1e999", "k\0" "21e999"),
    NO("number empty", "k\0" "2"),
    NO("number with a space", "k\0" "2 1"),
    NO("boolean yes", "k\0" "3yes"),
    NO("boolean TRUE", "k\0" "3TRUE"),
    NO("boolean empty", "k\0" "3"),
    NO("integer masked", "k\0" "1***0"),
#undef OK
#undef NO
};

static void test_decode_typed_detail_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(typed_rows); i++) {
        pf_check c;
        int rc = decode_with_detail(typed_rows[i].d, typed_rows[i].len, &c);

        if (typed_rows[i].ok && rc != 0)
            fail_msg("row %zu (%s): refused", i, typed_rows[i].name);
        if (!typed_rows[i].ok && rc != -1)
            fail_msg("row %zu (%s): accepted as type %d value \"%s\"", i,
                     typed_rows[i].name, (int)c.details[0].type,
                     c.details[0].value);
        if (rc == 0) {
            assert_int_equal(c.ndetails, 1);
            assert_string_equal(c.details[0].key, "k");
            assert_int_equal(c.details[0].type, typed_rows[i].d[2] - '0');
            assert_string_equal(c.details[0].value, typed_rows[i].d + 3);
        } else {
            assert_null(c.id);
            assert_int_equal(c.ndetails, 0);
        }
        pf_check_clear(&c);
    }
}

/*
 * Whatever the decoder accepts as INTEGER or NUMBER must be a JSON number,
 * since the evidence writer copies it unquoted. These are numbers to
 * strtod but not to JSON.
 */
/* regression: decoder accepts 007, 1., .5, +1 as typed numbers (fixed) */
static void test_decode_typed_detail_is_json_number(void **state)
{
    static const struct {
        const char *name;
        const char *d;
        size_t len;
    } rows[] = {
        D("integer leading zeros", "k\0" "1007"),
        D("integer 00", "k\0" "100"),
        D("integer -01", "k\0" "1-01"),
        D("number trailing point", "k\0" "21."),
        D("number leading point", "k\0" "2.5"),
        D("number plus sign", "k\0" "2+1"),
        D("number leading zero", "k\0" "201"),
        D("number -.5", "k\0" "2-.5"),
        D("number 1.e3", "k\0" "21.e3"),
    };
    size_t i;

    char bad[512] = "";

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        pf_check c;
        int rc = decode_with_detail(rows[i].d, rows[i].len, &c);

        if (rc == 0 && !json_number_ok(c.details[0].value))
            snprintf(bad + strlen(bad), sizeof bad - strlen(bad), " \"%s\"",
                     c.details[0].value);
        pf_check_clear(&c);
    }
    if (bad[0])
        fail_msg("accepted as typed numbers, not JSON numbers:%s", bad);
}

#undef D

/* ---- round trips through pf_proto_result ----------------------------- */

static char *xstrdup(const char *s)
{
    char *d = strdup(s);

    assert_non_null(d);
    return d;
}

static void fill_full_check(pf_check *c)
{
    static const struct {
        const char *k;
        pf_detail_type t;
        const char *v;
    } d[] = {
        {"venue", PF_DETAIL_STRING, "upbit \"KRW\"\n\xEC\x9B\x90"},
        {"open_orders", PF_DETAIL_INTEGER, "-3"},
        {"ratio", PF_DETAIL_NUMBER, "0.25"},
        {"big", PF_DETAIL_NUMBER, "1.0000000000000001e+300"},
        {"ok", PF_DETAIL_BOOLEAN, "false"},
        {"empty", PF_DETAIL_STRING, ""},
    };
    size_t i;

    memset(c, 0, sizeof *c);
    c->file = (char *)"checks/exchange.lua";
    c->id = xstrdup("exchange.health-1_b");
    c->title = xstrdup("Exchange answers \xE2\x9C\x93 quickly");
    c->tags[0] = xstrdup("infra");
    c->tags[1] = xstrdup("exchange-api");
    c->tags[2] = xstrdup("a_b");
    c->ntags = 3;
    c->timeout_ms = 2500;
    c->guard_failures = 3;
    c->status = PF_STATUS_FAIL;
    c->reason = PF_REASON_NONE;
    c->message = xstrdup("open orders 3 > limit 0 on upbit\n\"quoted\"\t\\");
    for (i = 0; i < NROWS(d); i++) {
        c->details[i].key = xstrdup(d[i].k);
        c->details[i].type = d[i].t;
        c->details[i].value = xstrdup(d[i].v);
    }
    c->ndetails = NROWS(d);
    memcpy(c->sha256, SHA_OK, 65);
    c->duration_ms = 12.345;
    assert_int_equal(pf_check_add_module(c, "lib/exchange/probe.lua", 22,
                                         SHA_OK), 0);
    assert_int_equal(pf_check_add_module(c, "/opt/lib/x y.lua", 16,
                                         "fedcba9876543210fedcba9876543210"
                                         "fedcba9876543210fedcba9876543210"), 0);
}

static void assert_same_check(const pf_check *a, const pf_check *b)
{
    size_t i;

    if (a->id == NULL)
        assert_null(b->id);
    else
        assert_string_equal(a->id, b->id);
    if (a->title == NULL)
        assert_null(b->title);
    else
        assert_string_equal(a->title, b->title);
    assert_int_equal(a->ntags, b->ntags);
    for (i = 0; i < a->ntags; i++)
        assert_string_equal(a->tags[i], b->tags[i]);
    assert_int_equal(a->timeout_ms, b->timeout_ms);
    assert_int_equal(a->guard_failures, b->guard_failures);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->reason, b->reason);
    if (a->message == NULL)
        assert_null(b->message);
    else
        assert_string_equal(a->message, b->message);
    assert_int_equal(a->ndetails, b->ndetails);
    for (i = 0; i < a->ndetails; i++) {
        assert_string_equal(a->details[i].key, b->details[i].key);
        assert_int_equal(a->details[i].type, b->details[i].type);
        assert_string_equal(a->details[i].value, b->details[i].value);
    }
    assert_string_equal(a->sha256, b->sha256);
    assert_int_equal(a->nmodules, b->nmodules);
    for (i = 0; i < a->nmodules; i++) {
        assert_string_equal(a->modules[i].path, b->modules[i].path);
        assert_string_equal(a->modules[i].sha256, b->modules[i].sha256);
    }
    /* sent with 3 decimals */
    assert_true(fabs(a->duration_ms - b->duration_ms) <= 0.0005);
}

/* Encode c, frame it, decode it into out (file set to a sentinel). */
static void round_trip(const pf_check *c, pf_check *out)
{
    pf_buf b;
    int type = -1;
    const unsigned char *payload = NULL;
    size_t plen = 0;
    long flen;
    char err[200] = "";
    char *sentinel = (char *)"sentinel";

    pf_buf_init(&b);
    pf_proto_result(&b, c);
    assert_false(b.oom);
    assert_true(b.len >= PF_PROTO_HEADER);
    assert_memory_equal(b.data, "PFR\0", 4);
    flen = pf_proto_frame((const unsigned char *)b.data, b.len, &type,
                          &payload, &plen);
    assert_int_equal(flen, (long)b.len);
    assert_int_equal(type, PF_FRAME_RESULT);
    assert_ptr_equal(payload, (const unsigned char *)b.data + PF_PROTO_HEADER);
    assert_int_equal(plen, b.len - PF_PROTO_HEADER);
    memset(out, 0, sizeof *out);
    out->file = sentinel;
    if (pf_proto_decode_result(payload, plen, out, err, sizeof err) != 0)
        fail_msg("decode refused its own encoding: %s", err);
    assert_ptr_equal(out->file, sentinel); /* file is not sent */
    out->file = NULL;
    pf_buf_free(&b);
}

static void free_check(pf_check *c)
{
    pf_check_clear(c);
}

static void test_proto_round_trip_full(void **state)
{
    pf_check c, d;

    (void)state;
    fill_full_check(&c);
    round_trip(&c, &d);
    assert_same_check(&c, &d);
    assert_true(d.duration_ms == 12.345);
    free_check(&c);
    free_check(&d);
}

/* Every status and reason the runner can meet, through the wire. */
static void test_proto_round_trip_statuses(void **state)
{
    static const struct {
        pf_status s;
        pf_reason r;
        int with_id;
    } rows[] = {
        {PF_STATUS_PASS, PF_REASON_NONE, 1},
        {PF_STATUS_FAIL, PF_REASON_NONE, 1},
        {PF_STATUS_SKIP, PF_REASON_NONE, 1},
        {PF_STATUS_NOT_SELECTED, PF_REASON_NONE, 1},
        {PF_STATUS_ERROR, PF_REASON_TIMEOUT, 1},
        {PF_STATUS_ERROR, PF_REASON_MEMORY, 1},
        {PF_STATUS_ERROR, PF_REASON_CRASH, 1},
        {PF_STATUS_ERROR, PF_REASON_CONTRACT, 0},
        {PF_STATUS_ERROR, PF_REASON_LOAD, 0},
        {PF_STATUS_ERROR, PF_REASON_RUNTIME, 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        pf_check c, d;
        memset(&c, 0, sizeof c);
        if (rows[i].with_id) {
            c.id = xstrdup("a.b");
            c.title = xstrdup("T");
        }
        c.status = rows[i].s;
        c.reason = rows[i].r;
        c.message = xstrdup("m");
        c.duration_ms = (double)i;
        round_trip(&c, &d);
        assert_same_check(&c, &d);
        free_check(&c);
        free_check(&d);
    }
}

static void test_proto_round_trip_limits(void **state)
{
    pf_check c, d;
    char key[PF_MAX_KEY + 1], val[PF_MAX_VALUE + 1], id[PF_MAX_ID + 1];
    size_t i;

    (void)state;
    memset(&c, 0, sizeof c);
    memset(id, 'i', PF_MAX_ID);
    id[PF_MAX_ID] = '\0';
    c.id = xstrdup(id);
    c.title = xstrdup("T");
    for (i = 0; i < PF_MAX_TAGS; i++) {
        char t[16];
        snprintf(t, sizeof t, "t%zu", i);
        c.tags[i] = xstrdup(t);
    }
    c.ntags = PF_MAX_TAGS;
    memset(key, 'k', PF_MAX_KEY);
    memset(val, 'v', PF_MAX_VALUE);
    val[PF_MAX_VALUE] = '\0';
    for (i = 0; i < PF_MAX_DETAILS; i++) {
        snprintf(key + PF_MAX_KEY - 2, 3, "%02zu", i);
        c.details[i].key = xstrdup(key);
        c.details[i].type = PF_DETAIL_STRING;
        c.details[i].value = xstrdup(val);
    }
    c.ndetails = PF_MAX_DETAILS;
    c.status = PF_STATUS_PASS;
    c.message = malloc(PF_MAX_MESSAGE + 1);
    assert_non_null(c.message);
    memset(c.message, 'm', PF_MAX_MESSAGE);
    c.message[PF_MAX_MESSAGE] = '\0';
    c.timeout_ms = 86400000;
    round_trip(&c, &d);
    assert_same_check(&c, &d);
    free_check(&c);
    free_check(&d);
}

/* ---- framing ------------------------------------------------------------ */

static void test_frame_every_truncation_needs_more(void **state)
{
    pf_check c;
    pf_buf frames[2];
    size_t f, n;

    (void)state;
    fill_full_check(&c);
    pf_buf_init(&frames[0]);
    pf_buf_init(&frames[1]);
    pf_proto_result(&frames[0], &c);
    pf_proto_start(&frames[1], 1500, "redis.ping");
    for (f = 0; f < 2; f++) {
        const unsigned char *p = (const unsigned char *)frames[f].data;
        for (n = 0; n < frames[f].len; n++) {
            int type = -7;
            const unsigned char *payload = (const unsigned char *)"x";
            size_t plen = 77;
            long r = pf_proto_frame(p, n, &type, &payload, &plen);
            if (r != 0)
                fail_msg("frame %zu cut at %zu of %zu: got %ld, want 0", f,
                         n, frames[f].len, r);
            /* nothing reported for an incomplete frame */
            assert_int_equal(type, -7);
            assert_int_equal(plen, 77);
        }
        {
            int type = -7;
            const unsigned char *payload = NULL;
            size_t plen = 0;
            assert_int_equal(pf_proto_frame(p, frames[f].len, &type, &payload,
                                            &plen),
                             (long)frames[f].len);
            assert_int_equal(type, f == 0 ? PF_FRAME_RESULT : PF_FRAME_START);
        }
    }
    pf_buf_free(&frames[0]);
    pf_buf_free(&frames[1]);
    free_check(&c);
}

/* Header bytes "PF", type, reserved, 32-bit LE length, then zeros. */
static const struct {
    const char *name;
    unsigned char h[4];
    uint32_t len;
    size_t n; /* bytes offered (header is 8, zeros after) */
    long want;
} frame_rows[] = {
    {"bad first byte", {'X', 'F', 'R', 0}, 0, 1, -1},
    {"bad first byte, whole", {'X', 'F', 'R', 0}, 0, 8, -1},
    {"lowercase p", {'p', 'F', 'R', 0}, 0, 8, -1},
    {"bad second byte", {'P', 'X', 'R', 0}, 0, 2, -1},
    {"unknown type Q", {'P', 'F', 'Q', 0}, 0, 3, -1},
    {"unknown type r", {'P', 'F', 'r', 0}, 0, 8, -1},
    {"type 0", {'P', 'F', 0, 0}, 0, 8, -1},
    {"reserved 1", {'P', 'F', 'R', 1}, 0, 4, -1},
    {"reserved 0xff", {'P', 'F', 'S', 0xFF}, 4, 12, -1},
    {"length over max", {'P', 'F', 'R', 0}, PF_PROTO_MAX_PAYLOAD + 1, 8, -1},
    {"length 0xffffffff", {'P', 'F', 'R', 0}, 0xFFFFFFFFu, 8, -1},
    {"length at max needs more", {'P', 'F', 'R', 0}, PF_PROTO_MAX_PAYLOAD, 8,
     0},
    {"result of 0 bytes", {'P', 'F', 'R', 0}, 0, 8, 8},
    {"result of 5 bytes", {'P', 'F', 'R', 0}, 5, 13, 13},
    {"result of 5, 4 offered", {'P', 'F', 'R', 0}, 5, 12, 0},
    {"start of 0 bytes", {'P', 'F', 'S', 0}, 0, 8, -1},
    {"start of 3 bytes", {'P', 'F', 'S', 0}, 3, 8, -1},
    {"start of 4 bytes", {'P', 'F', 'S', 0}, 4, 12, 12},
    {"start of 132 bytes", {'P', 'F', 'S', 0}, 4 + PF_MAX_ID, 8 + 4 + PF_MAX_ID,
     8 + 4 + PF_MAX_ID},
    {"start of 133 bytes", {'P', 'F', 'S', 0}, 4 + PF_MAX_ID + 1, 8, -1},
    {"empty input", {'P', 'F', 'R', 0}, 0, 0, 0},
    {"magic only", {'P', 'F', 'R', 0}, 0, 2, 0},
};

static void test_frame_table(void **state)
{
    size_t i;
    unsigned char *p = calloc(1, 8 + 4 + PF_MAX_ID + 16);

    (void)state;
    assert_non_null(p);
    for (i = 0; i < NROWS(frame_rows); i++) {
        int type = -7;
        const unsigned char *payload = NULL;
        size_t plen = 9999;
        long r;

        memset(p, 0, 8 + 4 + PF_MAX_ID + 16);
        memcpy(p, frame_rows[i].h, 4);
        put_u32le(p + 4, frame_rows[i].len);
        r = pf_proto_frame(p, frame_rows[i].n, &type, &payload, &plen);
        if (r != frame_rows[i].want)
            fail_msg("row %zu (%s): got %ld, want %ld", i, frame_rows[i].name,
                     r, frame_rows[i].want);
        if (r > 0) {
            assert_int_equal(type, frame_rows[i].h[2]);
            assert_ptr_equal(payload, p + 8);
            assert_int_equal(plen, frame_rows[i].len);
        }
    }
    free(p);
}

static void test_frame_two_results_back_to_back(void **state)
{
    pf_check c;
    pf_buf b;
    size_t first;
    int type = 0;
    const unsigned char *payload = NULL;
    size_t plen = 0;
    long r;

    (void)state;
    fill_full_check(&c);
    pf_buf_init(&b);
    pf_proto_result(&b, &c);
    first = b.len;
    pf_proto_result(&b, &c);
    assert_int_equal(b.len, 2 * first);
    r = pf_proto_frame((const unsigned char *)b.data, b.len, &type, &payload,
                       &plen);
    assert_int_equal(r, (long)first);
    assert_true((size_t)r < b.len); /* the runner refuses the rest */
    assert_int_equal(type, PF_FRAME_RESULT);
    assert_int_equal(plen, first - PF_PROTO_HEADER);
    pf_buf_free(&b);
    free_check(&c);
}

/* ---- START frames ---------------------------------------------------------- */

static void test_start_round_trip(void **state)
{
    static const struct {
        uint32_t ms;
        const char *id;
        const char *want_id;
    } rows[] = {
        {1500, "redis.ping", "redis.ping"},
        {0, "a", "a"},
        {0xFFFFFFFFu, "x_y-z.0", "x_y-z.0"},
        {2000, "Bad.Id", ""},   /* invalid ids come back empty */
        {2000, "", ""},
        {2000, "a b", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        pf_buf b;
        int type = 0;
        const unsigned char *payload = NULL;
        size_t plen = 0;
        uint32_t ms = 1;
        char id[PF_MAX_ID + 1];

        memset(id, 'Z', sizeof id);
        pf_buf_init(&b);
        pf_proto_start(&b, rows[i].ms, rows[i].id);
        assert_false(b.oom);
        assert_int_equal(b.len, 8 + 4 + strlen(rows[i].id));
        assert_int_equal(pf_proto_frame((const unsigned char *)b.data, b.len,
                                        &type, &payload, &plen),
                         (long)b.len);
        assert_int_equal(type, PF_FRAME_START);
        assert_int_equal(pf_proto_decode_start(payload, plen, &ms, id), 0);
        assert_int_equal(ms, rows[i].ms);
        assert_string_equal(id, rows[i].want_id);
        pf_buf_free(&b);
    }
}

static void test_start_long_id_is_cut_to_the_maximum(void **state)
{
    char longid[300], id[PF_MAX_ID + 1];
    pf_buf b;
    int type = 0;
    const unsigned char *payload = NULL;
    size_t plen = 0;
    uint32_t ms = 0;

    (void)state;
    memset(longid, 'q', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    pf_buf_init(&b);
    pf_proto_start(&b, 7, longid);
    assert_int_equal(b.len, 8 + 4 + PF_MAX_ID);
    assert_int_equal(pf_proto_frame((const unsigned char *)b.data, b.len,
                                    &type, &payload, &plen),
                     (long)b.len);
    assert_int_equal(pf_proto_decode_start(payload, plen, &ms, id), 0);
    assert_int_equal(ms, 7);
    assert_int_equal(strlen(id), PF_MAX_ID);
    pf_buf_free(&b);
}

static void test_start_decode_bad_lengths(void **state)
{
    unsigned char p[4 + PF_MAX_ID + 2];
    static const size_t bad[] = {0, 1, 3, 4 + PF_MAX_ID + 1};
    size_t i;
    uint32_t ms = 0;
    char id[PF_MAX_ID + 1];

    (void)state;
    memset(p, 'a', sizeof p);
    for (i = 0; i < NROWS(bad); i++) {
        if (pf_proto_decode_start(p, bad[i], &ms, id) != -1)
            fail_msg("length %zu accepted", bad[i]);
    }
    put_u32le(p, 250);
    assert_int_equal(pf_proto_decode_start(p, 4, &ms, id), 0);
    assert_int_equal(ms, 250);
    assert_string_equal(id, "");
    assert_int_equal(pf_proto_decode_start(p, 4 + PF_MAX_ID, &ms, id), 0);
    assert_int_equal(strlen(id), PF_MAX_ID);
}

/*
 * An id with a NUL inside is not a valid id: the decoder must give "", not
 * the part before the NUL (the runner uses this id for a worker that dies).
 */
static void test_start_decode_id_with_nul_is_empty(void **state)
{
    static const unsigned char p[] = {100, 0, 0, 0, 'a', 'b', 'c', 0, 'x'};
    uint32_t ms = 0;
    char id[PF_MAX_ID + 1];

    (void)state;
    assert_int_equal(pf_proto_decode_start(p, sizeof p, &ms, id), 0);
    assert_int_equal(ms, 100);
    assert_string_equal(id, "");
}

/* ---- jobs -------------------------------------------------------------------- */

static void test_job_pack_layout_and_round_trip(void **state)
{
    static const pf_job rows[] = {
        {0, PF_JOB_RUN, 0},
        {1, PF_JOB_META, 1},
        {0x01020304u, PF_JOB_RUN, 0x1122334455667788ull},
        {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFFFFFFFFFull},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        unsigned char out[16];
        pf_job back;
        memset(&back, 0, sizeof back);
        pf_job_pack(&rows[i], out);
        pf_job_unpack(out, &back);
        assert_int_equal(back.index, rows[i].index);
        assert_int_equal(back.kind, rows[i].kind);
        assert_true(back.start_ns == rows[i].start_ns);
    }
    {
        unsigned char out[16];
        static const unsigned char want[16] = {
            0x04, 0x03, 0x02, 0x01, 0x01, 0, 0, 0,
            0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
        pf_job_pack(&rows[2], out);
        assert_memory_equal(out, want, 16);
    }
}

/* ---- preflight.log's messages (T_LOG = 14) ---------------------------- */

#define T_LOG 14

/* A pass payload followed by nlog log fields of len bytes of ch. */
static int decode_logs(size_t nlog, size_t len, char ch, pf_check *c)
{
    pf_buf b;
    char err[200] = "";
    size_t i;
    int rc;

    pf_buf_init(&b);
    field(&b, T_ID, "a.b", 3);
    field(&b, T_TITLE, "T", 1);
    field(&b, T_STATUS, "\x00", 1);
    field(&b, T_REASON, "\x00", 1);
    field(&b, T_MESSAGE, "ok", 2);
    for (i = 0; i < nlog; i++)
        fill_field(&b, T_LOG, ch, len);
    assert_false(b.oom);
    memset(c, 0, sizeof *c);
    rc = pf_proto_decode_result((const unsigned char *)b.data, b.len, c, err,
                                sizeof err);
    pf_buf_free(&b);
    return rc;
}

/* The log crosses the pipe whole and in order, and the decoder holds the
 * worker's caps: a forged result cannot grow the parent past them. */
static void test_proto_log(void **state)
{
    pf_check c, d;
    size_t i;

    (void)state;
    memset(&c, 0, sizeof c);
    c.id = xstrdup("a.b");
    c.title = xstrdup("T");
    c.status = PF_STATUS_PASS;
    c.message = xstrdup("m");
    for (i = 0; i < PF_MAX_LOG; i++) {
        char m[32];
        snprintf(m, sizeof m, "line %zu\t\"q\"", i);
        c.log[i] = xstrdup(m);
    }
    c.nlog = PF_MAX_LOG;
    round_trip(&c, &d);
    assert_int_equal(d.nlog, PF_MAX_LOG);
    for (i = 0; i < PF_MAX_LOG; i++)
        assert_string_equal(c.log[i], d.log[i]);
    free_check(&c);
    free_check(&d);

    /* the caps: 16 full messages are 16384 bytes; a last entry may add
     * one more message's worth */
    assert_int_equal(decode_logs(16, PF_MAX_LOG_MESSAGE, 'x', &d), 0);
    assert_int_equal(d.nlog, 16);
    pf_check_clear(&d);
    assert_int_equal(decode_logs(17, PF_MAX_LOG_MESSAGE, 'x', &d), 0);
    pf_check_clear(&d);
    assert_int_equal(decode_logs(18, PF_MAX_LOG_MESSAGE, 'x', &d), -1);
    assert_int_equal(d.nlog, 0);
    assert_int_equal(decode_logs(1, PF_MAX_LOG_MESSAGE + 1, 'x', &d), -1);
    assert_int_equal(decode_logs(PF_MAX_LOG, 1, 'x', &d), 0);
    pf_check_clear(&d);
    assert_int_equal(decode_logs(PF_MAX_LOG + 1, 1, 'x', &d), -1);
    assert_int_equal(decode_logs(1, 4, '\0', &d), -1); /* a NUL */
    assert_int_equal(d.nlog, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_log),
        cmocka_unit_test(test_decode_rejects_table),
        cmocka_unit_test(test_decode_accepts_table),
        cmocka_unit_test(test_decode_values),
        cmocka_unit_test(test_decode_typed_detail_table),
        cmocka_unit_test(test_decode_typed_detail_is_json_number),
        cmocka_unit_test(test_proto_round_trip_full),
        cmocka_unit_test(test_proto_round_trip_statuses),
        cmocka_unit_test(test_proto_round_trip_limits),
        cmocka_unit_test(test_frame_every_truncation_needs_more),
        cmocka_unit_test(test_frame_table),
        cmocka_unit_test(test_frame_two_results_back_to_back),
        cmocka_unit_test(test_start_round_trip),
        cmocka_unit_test(test_start_long_id_is_cut_to_the_maximum),
        cmocka_unit_test(test_start_decode_bad_lengths),
        cmocka_unit_test(test_start_decode_id_with_nul_is_empty),
        cmocka_unit_test(test_job_pack_layout_and_round_trip),
    };

    return cmocka_run_group_tests(tests, 0, NULL);
}
