/*
 * test_evidence.c: cmocka tests of the evidence document (host/evidence.c)
 * and of the all-or-nothing file write under it (host/atomic.c).
 *
 * The document is parsed by a strict JSON parser written here (RFC 8259,
 * UTF-8 checked, duplicate keys refused) into a small tree, and its fields
 * are compared with DESIGN.md section 5. The atomic write is driven into
 * each failing step it can meet on a real system (no folder, a file where
 * the folder should be, a folder where the file should be, a file size
 * limit) and every time the folder is checked for partial or temporary
 * files. Times were computed with GNU date, not with the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "evidence.h"
#include "result.h"
#include "testutil.h"
#include "verdict.h"
#include "version.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

#define NOW_MS 1795747080000LL /* 2026-11-27T02:38:00Z */
#define SHA_OK "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- a strict JSON parser into a tree --------------------------------- */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jv {
    jtype t;
    int b;
    double num;
    char *s; /* J_STR: decoded UTF-8, NUL-terminated */
    size_t slen;
    struct jv *items; /* J_ARR, J_OBJ */
    char **keys;      /* J_OBJ */
    size_t n;
} jv;

typedef struct {
    const unsigned char *p, *end;
    const char *err;
    int depth;
} jparser;

static void jv_free(jv *v)
{
    size_t i;

    if (v == NULL)
        return;
    free(v->s);
    for (i = 0; i < v->n; i++) {
        jv_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

static void ws(jparser *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int jfail(jparser *j, const char *why)
{
    if (j->err == NULL)
        j->err = why;
    return -1;
}

static int hexval(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (int)(c - 'A' + 10);
    return -1;
}

static int u4(jparser *j, unsigned long *cp)
{
    int i, h;

    if (j->end - j->p < 4)
        return jfail(j, "short \\u escape");
    *cp = 0;
    for (i = 0; i < 4; i++) {
        if ((h = hexval(j->p[i])) < 0)
            return jfail(j, "bad \\u escape");
        *cp = *cp << 4 | (unsigned long)h;
    }
    j->p += 4;
    return 0;
}

static int jstring(jparser *j, char **out, size_t *outlen)
{
    pf_buf b;
    unsigned long cp, lo;
    size_t k;

    pf_buf_init(&b);
    pf_buf_add(&b, "", 0);
    j->p++; /* opening quote */
    while (j->p < j->end && *j->p != '"') {
        unsigned c = *j->p;
        if (c < 0x20)
            goto bad_ctl;
        if (c == '\\') {
            if (j->end - j->p < 2)
                goto bad;
            c = j->p[1];
            j->p += 2;
            switch (c) {
            case '"': pf_buf_addc(&b, '"'); continue;
            case '\\': pf_buf_addc(&b, '\\'); continue;
            case '/': pf_buf_addc(&b, '/'); continue;
            case 'b': pf_buf_addc(&b, '\b'); continue;
            case 'f': pf_buf_addc(&b, '\f'); continue;
            case 'n': pf_buf_addc(&b, '\n'); continue;
            case 'r': pf_buf_addc(&b, '\r'); continue;
            case 't': pf_buf_addc(&b, '\t'); continue;
            case 'u': break;
            default: goto bad;
            }
            if (u4(j, &cp) != 0)
                goto bad;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                goto bad;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                    goto bad;
                j->p += 2;
                if (u4(j, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            {
                unsigned char u[4];
                size_t m;
                if (cp < 0x80) {
                    u[0] = (unsigned char)cp;
                    m = 1;
                } else if (cp < 0x800) {
                    u[0] = (unsigned char)(0xC0 | cp >> 6);
                    u[1] = (unsigned char)(0x80 | (cp & 0x3F));
                    m = 2;
                } else if (cp < 0x10000) {
                    u[0] = (unsigned char)(0xE0 | cp >> 12);
                    u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                    u[2] = (unsigned char)(0x80 | (cp & 0x3F));
                    m = 3;
                } else {
                    u[0] = (unsigned char)(0xF0 | cp >> 18);
                    u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
                    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                    u[3] = (unsigned char)(0x80 | (cp & 0x3F));
                    m = 4;
                }
                pf_buf_add(&b, u, m);
            }
            continue;
        }
        k = wf_utf8(j->p, (size_t)(j->end - j->p));
        if (k == 0) {
            pf_buf_free(&b);
            return jfail(j, "ill-formed UTF-8 in a string");
        }
        pf_buf_add(&b, j->p, k);
        j->p += k;
    }
    if (j->p >= j->end)
        goto bad;
    j->p++; /* closing quote */
    *out = b.data;
    *outlen = b.len;
    return 0;
bad_ctl:
    pf_buf_free(&b);
    return jfail(j, "raw control character in a string");
bad:
    pf_buf_free(&b);
    return jfail(j, "bad string");
}

static int jnumber(jparser *j, double *out)
{
    const unsigned char *s = j->p;
    char tmp[64];

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (j->p < j->end && *j->p >= '1' && *j->p <= '9')
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    else
        return jfail(j, "bad number");
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return jfail(j, "bad fraction");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return jfail(j, "bad exponent");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if ((size_t)(j->p - s) >= sizeof tmp)
        return jfail(j, "number too long");
    memcpy(tmp, s, (size_t)(j->p - s));
    tmp[j->p - s] = '\0';
    *out = strtod(tmp, NULL);
    return 0;
}

static int jvalue(jparser *j, jv *v);

static int jpush(jv *v, jv *item, char *key)
{
    jv *items = realloc(v->items, (v->n + 1) * sizeof *items);

    if (items == NULL)
        return -1;
    v->items = items;
    if (v->t == J_OBJ) {
        char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);
        if (keys == NULL)
            return -1;
        v->keys = keys;
        v->keys[v->n] = key;
    }
    v->items[v->n++] = *item;
    return 0;
}

static int jcontainer(jparser *j, jv *v, int obj)
{
    v->t = obj ? J_OBJ : J_ARR;
    j->p++;
    if (++j->depth > 64)
        return jfail(j, "too deep");
    ws(j);
    if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        jv item;
        char *key = NULL;
        size_t klen, i;

        memset(&item, 0, sizeof item);
        ws(j);
        if (obj) {
            if (j->p >= j->end || *j->p != '"')
                return jfail(j, "object key expected");
            if (jstring(j, &key, &klen) != 0)
                return -1;
            if (strlen(key) != klen) {
                free(key);
                return jfail(j, "NUL in a key");
            }
            for (i = 0; i < v->n; i++) {
                if (strcmp(v->keys[i], key) == 0) {
                    free(key);
                    return jfail(j, "duplicate key");
                }
            }
            ws(j);
            if (j->p >= j->end || *j->p != ':') {
                free(key);
                return jfail(j, "colon expected");
            }
            j->p++;
        }
        if (jvalue(j, &item) != 0 || jpush(v, &item, key) != 0) {
            jv_free(&item);
            free(key);
            return jfail(j, "bad member");
        }
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
            j->p++;
            j->depth--;
            return 0;
        }
        return jfail(j, "comma or end expected");
    }
}

static int jlit(jparser *j, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return jfail(j, "bad literal");
    j->p += n;
    return 0;
}

static int jvalue(jparser *j, jv *v)
{
    memset(v, 0, sizeof *v);
    ws(j);
    if (j->p >= j->end)
        return jfail(j, "value expected");
    switch (*j->p) {
    case '{': return jcontainer(j, v, 1);
    case '[': return jcontainer(j, v, 0);
    case '"': v->t = J_STR; return jstring(j, &v->s, &v->slen);
    case 't': v->t = J_BOOL; v->b = 1; return jlit(j, "true");
    case 'f': v->t = J_BOOL; v->b = 0; return jlit(j, "false");
    case 'n': v->t = J_NULL; return jlit(j, "null");
    default: v->t = J_NUM; return jnumber(j, &v->num);
    }
}

/* Parse a whole document; returns 0, or -1 with *why. */
static int json_parse(const char *text, size_t n, jv *out, const char **why)
{
    jparser j;

    j.p = (const unsigned char *)text;
    j.end = j.p + n;
    j.err = NULL;
    j.depth = 0;
    if (jvalue(&j, out) != 0) {
        jv_free(out);
        *why = j.err ? j.err : "?";
        return -1;
    }
    ws(&j);
    if (j.p != j.end) {
        jv_free(out);
        *why = "trailing bytes";
        return -1;
    }
    return 0;
}

static const jv *jget(const jv *o, const char *key)
{
    size_t i;

    if (o == NULL || o->t != J_OBJ)
        return NULL;
    for (i = 0; i < o->n; i++) {
        if (strcmp(o->keys[i], key) == 0)
            return &o->items[i];
    }
    return NULL;
}

/* Asserting accessors: fail with the key's name when absent or mistyped. */
static const jv *jreq(const jv *o, const char *key, jtype t)
{
    const jv *v = jget(o, key);

    if (v == NULL)
        fail_msg("key \"%s\" missing", key);
    if (v->t != t)
        fail_msg("key \"%s\" has type %d, want %d", key, (int)v->t, (int)t);
    return v;
}

static void assert_jstr(const jv *o, const char *key, const char *want)
{
    const jv *v = jreq(o, key, J_STR);

    if (strcmp(v->s, want) != 0)
        fail_msg("key \"%s\": \"%s\", want \"%s\"", key, v->s, want);
}

static void assert_jnum(const jv *o, const char *key, double want)
{
    const jv *v = jreq(o, key, J_NUM);

    if (fabs(v->num - want) > 1e-9)
        fail_msg("key \"%s\": %.17g, want %.17g", key, v->num, want);
}

static void assert_jnull(const jv *o, const char *key)
{
    (void)jreq(o, key, J_NULL);
}

/* ---- reports ---------------------------------------------------------- */

static void base_report(pf_report *r, pf_verdict *v, const pf_check *cs,
                        size_t n)
{
    memset(r, 0, sizeof *r);
    r->started_ms = NOW_MS + 123;
    r->finished_ms = NOW_MS + 2623;
    r->duration_ms = 2500.25;
    r->hostname = "bot-01";
    r->mode = "paper";
    r->http = "mock";
    r->arm_state = "not-required";
    r->verdict = v;
    r->checks = cs;
    r->nchecks = n;
}

/* Render r and parse it; the document is one line ending in a newline. */
static void render(const pf_report *r, jv *doc)
{
    pf_buf b;
    const char *why = NULL;

    pf_buf_init(&b);
    pf_evidence_json(&b, r);
    assert_false(b.oom);
    assert_true(b.len > 2);
    assert_int_equal(b.data[b.len - 1], '\n');
    assert_null(memchr(b.data, '\n', b.len - 1));
    if (json_parse(b.data, b.len, doc, &why) != 0)
        fail_msg("evidence is not valid JSON (%s): %s", why, b.data);
    pf_buf_free(&b);
}

static void set_check(pf_check *c, const char *file, const char *id,
                      const char *title, pf_status st, pf_reason rs,
                      const char *msg)
{
    memset(c, 0, sizeof *c);
    c->file = (char *)file;
    c->id = id ? strdup(id) : NULL;
    c->title = title ? strdup(title) : NULL;
    c->status = st;
    c->reason = rs;
    c->message = msg ? strdup(msg) : NULL;
}

static void add_detail(pf_check *c, const char *k, pf_detail_type t,
                       const char *v)
{
    c->details[c->ndetails].key = strdup(k);
    c->details[c->ndetails].type = t;
    c->details[c->ndetails].value = strdup(v);
    c->ndetails++;
}

/* The document of section 5, field by field. */
static void test_evidence_json_fields(void **state)
{
    pf_check cs[5];
    pf_verdict v;
    pf_report r;
    jv doc;
    const jv *o, *checks, *c, *d;
    size_t i;
    char *problem = (char *)"manifest id \"x\" did not run";

    (void)state;
    set_check(&cs[0], "checks/redis.lua", "redis.ping", "Redis answers PING",
              PF_STATUS_PASS, PF_REASON_NONE, "PONG in 3 ms");
    cs[0].tags[0] = strdup("infra");
    cs[0].tags[1] = strdup("cache");
    cs[0].ntags = 2;
    memcpy(cs[0].sha256, SHA_OK, 65);
    cs[0].duration_ms = 3.25;
    add_detail(&cs[0], "venue", PF_DETAIL_STRING, "upbit");
    add_detail(&cs[0], "open_orders", PF_DETAIL_INTEGER, "-3");
    add_detail(&cs[0], "ratio", PF_DETAIL_NUMBER, "0.25");
    add_detail(&cs[0], "ok", PF_DETAIL_BOOLEAN, "false");
    add_detail(&cs[0], "big", PF_DETAIL_NUMBER, "1.0000000000000001e+300");
    set_check(&cs[1], "checks/orders.lua", "orders.open", "No open orders",
              PF_STATUS_FAIL, PF_REASON_NONE, NULL);
    set_check(&cs[2], "checks/tagged.lua", "tagged.out", "Deselected",
              PF_STATUS_NOT_SELECTED, PF_REASON_NONE, "deselected by --tag");
    set_check(&cs[3], "checks/slow.lua", "slow.one", "Slow",
              PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timed out after 2000 ms");
    set_check(&cs[4], "checks/broken.lua", NULL, NULL, PF_STATUS_ERROR,
              PF_REASON_LOAD, "syntax error near 'end'");
    memset(&v, 0, sizeof v);
    v.kind = PF_VERDICT_FAIL;
    v.exit_code = 1;
    v.total = 4;
    v.passed = 1;
    v.failed = 1;
    v.errored = 2;
    v.skipped = 0;
    v.not_selected = 1;
    v.problems = &problem;
    v.nproblems = 1;
    base_report(&r, &v, cs, 5);
    render(&r, &doc);

    assert_int_equal(doc.t, J_OBJ);
    assert_jstr(&doc, "schema", "preflight.evidence/1");
    o = jreq(&doc, "tool", J_OBJ);
    assert_jstr(o, "name", "preflight");
    assert_jstr(o, "version", PF_VERSION);
    assert_jstr(&doc, "started_at", "2026-11-27T02:38:00.123Z");
    assert_jstr(&doc, "finished_at", "2026-11-27T02:38:02.623Z");
    assert_jnum(&doc, "duration_ms", 2500.25);
    assert_jstr(&doc, "hostname", "bot-01");
    assert_jstr(&doc, "mode", "paper");
    assert_jstr(&doc, "http", "mock");
    o = jreq(&doc, "arming", J_OBJ);
    assert_jstr(o, "state", "not-required");
    assert_int_equal(jreq(o, "reasons", J_ARR)->n, 0);
    assert_jnull(o, "max_notional_usd");
    assert_jnull(o, "arm_at");
    assert_jnull(o, "arm_age_s");
    assert_jstr(&doc, "verdict", "fail");
    assert_jnum(&doc, "exit_code", 1);
    o = jreq(&doc, "summary", J_OBJ);
    assert_jnum(o, "total", 4);
    assert_jnum(o, "passed", 1);
    assert_jnum(o, "failed", 1);
    assert_jnum(o, "errored", 2);
    assert_jnum(o, "skipped", 0);
    assert_jnum(o, "not_selected", 1);

    checks = jreq(&doc, "checks", J_ARR);
    assert_int_equal(checks->n, 5); /* the not-selected one is listed */
    for (i = 0; i < checks->n; i++) {
        static const char *const keys[] = {"id", "title", "file", "sha256",
                                           "tags", "status", "reason",
                                           "message", "details",
                                           "duration_ms"};
        size_t k;
        assert_int_equal(checks->items[i].t, J_OBJ);
        for (k = 0; k < NROWS(keys); k++) {
            if (jget(&checks->items[i], keys[k]) == NULL)
                fail_msg("check %zu lacks \"%s\"", i, keys[k]);
        }
    }

    c = &checks->items[0];
    assert_jstr(c, "id", "redis.ping");
    assert_jstr(c, "title", "Redis answers PING");
    assert_jstr(c, "file", "checks/redis.lua");
    assert_jstr(c, "sha256", SHA_OK);
    o = jreq(c, "tags", J_ARR);
    assert_int_equal(o->n, 2);
    assert_int_equal(o->items[0].t, J_STR);
    assert_string_equal(o->items[0].s, "infra");
    assert_string_equal(o->items[1].s, "cache");
    assert_jstr(c, "status", "pass");
    assert_jnull(c, "reason");
    assert_jstr(c, "message", "PONG in 3 ms");
    assert_jnum(c, "duration_ms", 3.25);
    d = jreq(c, "details", J_OBJ);
    assert_int_equal(d->n, 5);
    assert_jstr(d, "venue", "upbit");
    assert_jnum(d, "open_orders", -3);
    assert_jnum(d, "ratio", 0.25);
    assert_int_equal(jreq(d, "ok", J_BOOL)->b, 0);
    assert_true(jreq(d, "big", J_NUM)->num == 1.0000000000000001e+300);

    c = &checks->items[1];
    assert_jstr(c, "id", "orders.open");
    assert_jstr(c, "status", "fail");
    assert_jnull(c, "reason");
    assert_jstr(c, "message", ""); /* no message: empty, not null */
    assert_jnull(c, "sha256");
    assert_int_equal(jreq(c, "tags", J_ARR)->n, 0);
    assert_int_equal(jreq(c, "details", J_OBJ)->n, 0);

    c = &checks->items[2];
    assert_jstr(c, "id", "tagged.out");
    assert_jstr(c, "status", "not-selected");
    assert_jnull(c, "reason");

    c = &checks->items[3];
    assert_jstr(c, "id", "slow.one");
    assert_jstr(c, "status", "error");
    assert_jstr(c, "reason", "timeout");
    assert_jstr(c, "message", "timed out after 2000 ms");

    c = &checks->items[4];
    assert_jnull(c, "id");
    assert_jnull(c, "title");
    assert_jstr(c, "file", "checks/broken.lua");
    assert_jstr(c, "status", "error");
    assert_jstr(c, "reason", "load");

    jv_free(&doc);
    for (i = 0; i < NROWS(cs); i++)
        pf_check_clear(&cs[i]);
}

/* reason: null for pass, fail, an optional skip and not-selected; the
 * reason's name for every error; "required" for a required skip. */
static void test_evidence_reason_table(void **state)
{
    static const struct {
        pf_status st;
        pf_reason rs;
        const char *want; /* NULL: JSON null */
    } rows[] = {
        {PF_STATUS_PASS, PF_REASON_NONE, NULL},
        {PF_STATUS_FAIL, PF_REASON_NONE, NULL},
        {PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
        {PF_STATUS_ERROR, PF_REASON_MEMORY, "memory"},
        {PF_STATUS_ERROR, PF_REASON_CRASH, "crash"},
        {PF_STATUS_ERROR, PF_REASON_CONTRACT, "contract"},
        {PF_STATUS_ERROR, PF_REASON_LOAD, "load"},
        {PF_STATUS_ERROR, PF_REASON_RUNTIME, "runtime"},
        {PF_STATUS_SKIP, PF_REASON_NONE, NULL},
        {PF_STATUS_SKIP, PF_REASON_REQUIRED, "required"},
        {PF_STATUS_NOT_SELECTED, PF_REASON_NONE, NULL},
        /* a reason left on a non-error is not shown */
        {PF_STATUS_FAIL, PF_REASON_CRASH, NULL},
        {PF_STATUS_PASS, PF_REASON_REQUIRED, NULL},
        {PF_STATUS_SKIP, PF_REASON_CRASH, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        pf_check c;
        pf_verdict v;
        pf_report r;
        jv doc;
        const jv *ck;

        set_check(&c, "f.lua", "a", "A", rows[i].st, rows[i].rs, "m");
        memset(&v, 0, sizeof v);
        base_report(&r, &v, &c, 1);
        render(&r, &doc);
        ck = &jreq(&doc, "checks", J_ARR)->items[0];
        assert_jstr(ck, "status", pf_status_name(rows[i].st));
        if (rows[i].want == NULL)
            assert_jnull(ck, "reason");
        else
            assert_jstr(ck, "reason", rows[i].want);
        jv_free(&doc);
        pf_check_clear(&c);
    }
}

static void test_evidence_armed_and_refused(void **state)
{
    static const struct {
        const char *state;
        pf_verdict_kind kind;
        int exit_code;
        const char *verdict;
        size_t nreasons;
    } rows[] = {
        {"armed", PF_VERDICT_PASS, 0, "pass", 0},
        {"refused", PF_VERDICT_REFUSED, 3, "refused", 2},
    };
    char *reasons[] = {(char *)"LIVE_ARM_ACK is not \"I_UNDERSTAND\"",
                       (char *)"kill switch engaged:\n\"halt\""};
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        pf_check c;
        pf_verdict v;
        pf_report r;
        jv doc;
        const jv *arm, *rs;

        set_check(&c, "f.lua", "a", "A", PF_STATUS_PASS, PF_REASON_NONE, "m");
        memset(&v, 0, sizeof v);
        v.kind = rows[i].kind;
        v.exit_code = rows[i].exit_code;
        v.total = v.passed = 1;
        base_report(&r, &v, &c, 1);
        r.mode = "live";
        r.http = "real";
        r.arm_state = rows[i].state;
        r.arm_reasons = rows[i].nreasons ? reasons : NULL;
        r.narm_reasons = rows[i].nreasons;
        r.max_notional_usd = "250.00";
        r.has_arm_at = 1;
        r.arm_at_ms = NOW_MS - 12500; /* 2026-11-27T02:37:47.500Z */
        r.arm_age_s = 12.5;
        render(&r, &doc);
        assert_jstr(&doc, "mode", "live");
        assert_jstr(&doc, "http", "real");
        arm = jreq(&doc, "arming", J_OBJ);
        assert_jstr(arm, "state", rows[i].state);
        rs = jreq(arm, "reasons", J_ARR);
        assert_int_equal(rs->n, rows[i].nreasons);
        if (rows[i].nreasons) {
            assert_int_equal(rs->items[1].t, J_STR);
            assert_string_equal(rs->items[0].s, reasons[0]);
            assert_string_equal(rs->items[1].s, reasons[1]);
        }
        assert_jstr(arm, "max_notional_usd", "250.00");
        assert_jstr(arm, "arm_at", "2026-11-27T02:37:47.500Z");
        assert_jnum(arm, "arm_age_s", 12.5);
        assert_jstr(&doc, "verdict", rows[i].verdict);
        assert_jnum(&doc, "exit_code", rows[i].exit_code);
        jv_free(&doc);
        pf_check_clear(&c);
    }
}

static void test_evidence_no_checks_listed(void **state)
{
    pf_check cs[2];
    pf_verdict v;
    pf_report r;
    jv doc;
    size_t n;

    (void)state;
    set_check(&cs[0], "a.lua", "a", "A", PF_STATUS_NOT_SELECTED,
              PF_REASON_NONE, "d");
    set_check(&cs[1], "b.lua", "b", "B", PF_STATUS_NOT_SELECTED,
              PF_REASON_NONE, "d");
    memset(&v, 0, sizeof v);
    v.kind = PF_VERDICT_ERROR;
    v.exit_code = 2;
    /* zero checks, then only not-selected ones: listed as such, never as
     * a pass */
    for (n = 0; n <= 2; n += 2) {
        const jv *l;
        base_report(&r, &v, n ? cs : NULL, n);
        render(&r, &doc);
        l = jreq(&doc, "checks", J_ARR);
        assert_int_equal(l->n, n);
        for (size_t k = 0; k < n; k++)
            assert_jstr(&l->items[k], "status", "not-selected");
        assert_jstr(&doc, "verdict", "error");
        assert_jnum(&doc, "exit_code", 2);
        jv_free(&doc);
    }
    pf_check_clear(&cs[0]);
    pf_check_clear(&cs[1]);
}

/* Strings a check produced survive encoding: quotes, controls, UTF-8;
 * invalid bytes arrive as U+FFFD. */
static void test_evidence_strings_are_escaped(void **state)
{
    pf_check c;
    pf_verdict v;
    pf_report r;
    jv doc;
    const jv *ck;

    (void)state;
    set_check(&c, "dir with \"quote\"/x.lua", "a", "Title \xED\x95\x9C\t",
              PF_STATUS_FAIL, PF_REASON_NONE,
              "line1\nline2 \"q\" \\ \x01 \x7f bad:\xFF end");
    add_detail(&c, "key \"k\"\n", PF_DETAIL_STRING, "v\x80v");
    memset(&v, 0, sizeof v);
    base_report(&r, &v, &c, 1);
    r.hostname = "host\"\n";
    render(&r, &doc);
    assert_jstr(&doc, "hostname", "host\"\n");
    ck = &jreq(&doc, "checks", J_ARR)->items[0];
    assert_jstr(ck, "file", "dir with \"quote\"/x.lua");
    assert_jstr(ck, "title", "Title \xED\x95\x9C\t");
    assert_jstr(ck, "message",
                "line1\nline2 \"q\" \\ \x01 \x7f bad:\xEF\xBF\xBD end");
    assert_jstr(jreq(ck, "details", J_OBJ), "key \"k\"\n",
                "v\xEF\xBF\xBDv");
    jv_free(&doc);
    pf_check_clear(&c);
}

/*
 * The runner masks secrets in every detail value, numbers included
 * (runner.c redact_check), so with DB_PASSWORD=1 an integer detail 10
 * arrives here as "***0". The document must stay valid JSON.
 */
/* regression: evidence.c writes masked typed detail values raw (fixed) */
static void test_evidence_masked_number_detail_is_valid_json(void **state)
{
    static const struct {
        pf_detail_type t;
        const char *v;
    } rows[] = {
        {PF_DETAIL_INTEGER, "***0"},
        {PF_DETAIL_NUMBER, "0.***"},
        {PF_DETAIL_INTEGER, "***"},
        {PF_DETAIL_BOOLEAN, "tru***"},
    };
    size_t i;
    char bad[512] = "";

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        pf_check c;
        pf_verdict v;
        pf_report r;
        pf_buf b;
        jv doc;
        const char *why = NULL;

        set_check(&c, "f.lua", "a", "A", PF_STATUS_PASS, PF_REASON_NONE, "m");
        add_detail(&c, "n", rows[i].t, rows[i].v);
        memset(&v, 0, sizeof v);
        base_report(&r, &v, &c, 1);
        pf_buf_init(&b);
        pf_evidence_json(&b, &r);
        if (json_parse(b.data, b.len, &doc, &why) != 0)
            snprintf(bad + strlen(bad), sizeof bad - strlen(bad),
                     " \"%s\" (%s)", rows[i].v, why);
        else
            jv_free(&doc);
        pf_buf_free(&b);
        pf_check_clear(&c);
    }
    if (bad[0])
        fail_msg("detail values that make invalid JSON:%s", bad);
}

/* In a forked child: let a crash kill it, instead of cmocka's handlers
 * jumping back into the test runner inside the child. */
static void child_default_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    size_t i;

    for (i = 0; i < NROWS(sigs); i++)
        signal(sigs[i], SIG_DFL);
}

/*
 * pf_redact_inplace sets a string to NULL when it cannot mask it (out of
 * memory), and runner.c applies it to detail keys and values, so the
 * writer must survive NULL there and still emit valid JSON. Run in a
 * child: a crash is a failed row, not a dead test binary.
 */
/* regression: evidence.c crashes or emits "null:" on a NULL detail key or value (fixed) */
static void test_evidence_null_detail_strings(void **state)
{
    static const struct {
        const char *name;
        int null_key;
        pf_detail_type t;
        int null_value;
    } rows[] = {
        {"string value NULL", 0, PF_DETAIL_STRING, 1},
        {"integer value NULL", 0, PF_DETAIL_INTEGER, 1},
        {"boolean value NULL", 0, PF_DETAIL_BOOLEAN, 1},
        {"key NULL", 1, PF_DETAIL_STRING, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        int status = 0;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
            pf_check c;
            pf_verdict v;
            pf_report r;
            pf_buf b;
            jv doc;
            const char *why = NULL;

            child_default_signals();
            set_check(&c, "f.lua", "a", "A", PF_STATUS_PASS, PF_REASON_NONE,
                      "m");
            add_detail(&c, "k", rows[i].t, "1");
            if (rows[i].null_key) {
                free(c.details[0].key);
                c.details[0].key = NULL;
            }
            if (rows[i].null_value) {
                free(c.details[0].value);
                c.details[0].value = NULL;
            }
            memset(&v, 0, sizeof v);
            base_report(&r, &v, &c, 1);
            pf_buf_init(&b);
            pf_evidence_json(&b, &r);
            _exit(json_parse(b.data, b.len, &doc, &why) == 0 ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status))
            fail_msg("row %zu (%s): writer killed by signal %d", i,
                     rows[i].name, WTERMSIG(status));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("row %zu (%s): invalid JSON (exit %d)", i, rows[i].name,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

static void test_rfc3339_ms_table(void **state)
{
    static const struct {
        int64_t ms;
        const char *want;
    } rows[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {NOW_MS, "2026-11-27T02:38:00.000Z"},
        {NOW_MS + 999, "2026-11-27T02:38:00.999Z"},
        {1709251199999LL, "2024-02-29T23:59:59.999Z"},
        {946684799999LL, "1999-12-31T23:59:59.999Z"},
        {946684800000LL, "2000-01-01T00:00:00.000Z"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        char out[40];
        memset(out, 'Z', sizeof out);
        pf_rfc3339_ms(rows[i].ms, out, sizeof out);
        assert_string_equal(out, rows[i].want);
    }
}

static void test_utc_now_ms_is_now(void **state)
{
    int64_t a, b;

    (void)state;
    a = (int64_t)time(NULL) * 1000;
    b = pf_utc_now_ms();
    /* same clock, a generous second either side */
    assert_true(b >= a - 1000 && b <= a + 2000);
}

/* ---- files and folders -------------------------------------------------- */

static char tmpdir[256];

static int setup_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pf_test_evidence.XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static void rm_rf(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char sub[1024];

    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        d = opendir(path);
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int teardown_tmpdir(void **state)
{
    (void)state;
    rm_rf(tmpdir);
    return 0;
}

/* Names in dir (not . or ..), joined by '|' in readdir order, and count. */
static size_t list_dir(const char *dir, char *out, size_t outlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    out[0] = '\0';
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n++)
            strncat(out, "|", outlen - strlen(out) - 1);
        strncat(out, e->d_name, outlen - strlen(out) - 1);
    }
    closedir(d);
    return n;
}

static void assert_no_tmp_files(const char *dir)
{
    char names[4096];

    list_dir(dir, names, sizeof names);
    if (strstr(names, ".tmp.") != NULL)
        fail_msg("temporary file left in %s: %s", dir, names);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, strlen(s), f), strlen(s));
    assert_int_equal(fclose(f), 0);
}

static void test_atomic_write_success(void **state)
{
    static const struct {
        const char *name;
        const char *data;
        unsigned mode;
        mode_t umask_during;
        const char *before; /* existing content, or NULL */
    } rows[] = {
        {"new.json", "{\"a\":1}\n", 0644, 022, NULL},
        {"umask077.json", "x", 0644, 077, NULL},
        {"private", "secret", 0600, 022, NULL},
        {"empty", "", 0644, 022, NULL},
        {"replaced.json", "new content", 0644, 022, "old content, longer"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        char path[512], err[256] = "", names[1024];
        struct stat st;
        size_t len;
        char *got;
        mode_t old;

        snprintf(path, sizeof path, "%s/%s", tmpdir, rows[i].name);
        if (rows[i].before) {
            write_file(path, rows[i].before);
            assert_int_equal(chmod(path, 0600), 0);
        }
        old = umask(rows[i].umask_during);
        assert_int_equal(pf_atomic_write(path, rows[i].data,
                                         strlen(rows[i].data), rows[i].mode,
                                         err, sizeof err),
                         0);
        umask(old);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        if ((st.st_mode & 07777) != rows[i].mode)
            fail_msg("%s: mode %o, want %o", rows[i].name,
                     (unsigned)(st.st_mode & 07777), rows[i].mode);
        got = read_all(path, &len);
        assert_non_null(got);
        assert_int_equal(len, strlen(rows[i].data));
        assert_memory_equal(got, rows[i].data, len);
        free(got);
        assert_no_tmp_files(tmpdir);
        assert_int_equal(list_dir(tmpdir, names, sizeof names), i + 1);
    }
}

/* A path without a folder part lands in the working directory. */
static void test_atomic_write_relative_path(void **state)
{
    char cwd[1024], err[256] = "", path[512];
    size_t len;
    char *got;

    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    assert_int_equal(pf_atomic_write("rel.json", "12345", 5, 0644, err,
                                     sizeof err),
                     0);
    assert_int_equal(chdir(cwd), 0);
    snprintf(path, sizeof path, "%s/rel.json", tmpdir);
    got = read_all(path, &len);
    assert_non_null(got);
    assert_string_equal(got, "12345");
    free(got);
    assert_no_tmp_files(tmpdir);
}

/* pf_atomic_write_buf writes a whole buffer, writes nothing for one that
 * ran out of memory, and leaves the buffer freed either way. */
static void test_atomic_write_buf_writes_or_reports_oom(void **state)
{
    char path[512], err[256] = "", names[1024];
    pf_buf b;
    size_t len;
    char *got;

    (void)state;
    snprintf(path, sizeof path, "%s/buf.json", tmpdir);
    pf_buf_init(&b);
    pf_buf_adds(&b, "{\"a\":1}\n");
    assert_int_equal(pf_atomic_write_buf(path, &b, "oom", err, sizeof err), 0);
    assert_null(b.data);
    got = read_all(path, &len);
    assert_non_null(got);
    assert_string_equal(got, "{\"a\":1}\n");
    free(got);
    assert_int_equal(unlink(path), 0);

    pf_buf_init(&b);
    pf_buf_adds(&b, "partial");
    b.oom = 1;
    assert_int_equal(
        pf_atomic_write_buf(path, &b, "out of memory building it", err,
                            sizeof err),
        -1);
    assert_string_equal(err, "out of memory building it");
    assert_null(b.data);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(list_dir(tmpdir, names, sizeof names), 0);
}

static void test_atomic_write_missing_folder(void **state)
{
    char path[512], err[256] = "", names[1024];

    (void)state;
    snprintf(path, sizeof path, "%s/nope/out.json", tmpdir);
    assert_int_equal(pf_atomic_write(path, "data", 4, 0644, err, sizeof err),
                     -1);
    /* the folder is opened (for its fsync) before anything is written */
    assert_non_null(strstr(err, "open folder"));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(ENOENT)));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(list_dir(tmpdir, names, sizeof names), 0);
}

/* Root ignores permission bits, so "cannot create here" is made with a
 * regular file where the folder should be, and with /proc/self. */
static void test_atomic_write_unwritable_folder(void **state)
{
    char file[512], path[600], err[256] = "", names[1024];
    size_t len;
    char *got;

    (void)state;
    snprintf(file, sizeof file, "%s/plainfile", tmpdir);
    write_file(file, "keep me");
    snprintf(path, sizeof path, "%s/out.json", file);
    assert_int_equal(pf_atomic_write(path, "data", 4, 0644, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "open folder"));
    assert_non_null(strstr(err, strerror(ENOTDIR)));
    assert_int_equal(list_dir(tmpdir, names, sizeof names), 1);
    assert_string_equal(names, "plainfile");
    got = read_all(file, &len);
    assert_string_equal(got, "keep me");
    free(got);

    err[0] = '\0';
    assert_int_equal(pf_atomic_write("/proc/self/pf_evidence_test.json",
                                     "data", 4, 0644, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "create temporary file") != NULL
                        ? err
                        : strstr(err, "open folder"));
    assert_int_equal(access("/proc/self/pf_evidence_test.json", F_OK), -1);
    assert_no_tmp_files("/proc/self");
}

static void test_atomic_write_target_is_a_folder(void **state)
{
    char dir[512], inner[600], err[256] = "", names[1024];
    size_t len;
    char *got;
    struct stat st;

    (void)state;
    snprintf(dir, sizeof dir, "%s/evidence.json", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(inner, sizeof inner, "%s/inside", dir);
    write_file(inner, "untouched");
    assert_int_equal(pf_atomic_write(dir, "data", 4, 0644, err, sizeof err),
                     -1);
    /* refused up front ("not a regular file") or by rename: either way
     * the message names the target */
    assert_non_null(strstr(err, dir));
    assert_true(strstr(err, "rename") != NULL ||
                strstr(err, "not a regular file") != NULL);
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(list_dir(dir, names, sizeof names), 1);
    assert_string_equal(names, "inside");
    got = read_all(inner, &len);
    assert_string_equal(got, "untouched");
    free(got);
    assert_int_equal(list_dir(tmpdir, names, sizeof names), 1);
    assert_no_tmp_files(tmpdir);
}

/*
 * The message names the failed step even when the path is long: main.c
 * gives a 600-byte err, and a path may be up to 4095 bytes.
 */
/* regression: a long path pushes the step and errno out of err (fixed) */
static void test_atomic_write_long_path_message_names_step(void **state)
{
    static const struct {
        size_t pathlen;
        const char *want;
    } rows[] = {
        {4999, "too long"},               /* over the limit */
        {700, "open folder"},   /* legal length, no such folder */
        {3000, "open folder"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        char path[5000], err[600] = "";
        size_t k;

        assert_true(rows[i].pathlen < sizeof path);
        memcpy(path, "/tmp/pf_no_such_dir", 19);
        for (k = 19; k < rows[i].pathlen; k++)
            path[k] = k % 50 == 0 ? '/' : 'a';
        path[rows[i].pathlen] = '\0';
        assert_int_equal(pf_atomic_write(path, "d", 1, 0644, err, sizeof err),
                         -1);
        if (strstr(err, rows[i].want) == NULL)
            fail_msg("path of %zu bytes: err lacks \"%s\": %.80s...",
                     rows[i].pathlen, rows[i].want, err);
    }
}

/*
 * A write that fails part-way (the file size limit stands in for a full
 * disk): the child gets RLIMIT_FSIZE of 10 bytes with SIGXFSZ ignored and
 * writes 1000. The parent then finds the old file intact and no partial
 * or temporary file.
 */
static void test_atomic_write_fails_midway(void **state)
{
    char path[512], names[1024], err[256];
    int fds[2], status = 0;
    pid_t pid;
    ssize_t n;
    size_t len;
    char *got;

    (void)state;
    snprintf(path, sizeof path, "%s/evidence.json", tmpdir);
    write_file(path, "previous run");
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {10, 10};
        char data[1000], e[256] = "";
        int rc;
        close(fds[0]);
        child_default_signals();
        memset(data, 'd', sizeof data);
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(3);
        rc = pf_atomic_write(path, data, sizeof data, 0644, e, sizeof e);
        if (write(fds[1], e, strlen(e)) < 0)
            _exit(4);
        _exit(rc == -1 ? 0 : 1);
    }
    close(fds[1]);
    memset(err, 0, sizeof err);
    n = read(fds[0], err, sizeof err - 1);
    close(fds[0]);
    assert_true(n >= 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fail_msg("child exit %d (1: write reported success)",
                 WEXITSTATUS(status));
    assert_non_null(strstr(err, "write failed"));
    assert_non_null(strstr(err, strerror(EFBIG)));
    assert_int_equal(list_dir(tmpdir, names, sizeof names), 1);
    assert_string_equal(names, "evidence.json");
    got = read_all(path, &len);
    assert_string_equal(got, "previous run");
    free(got);
}

/* pf_evidence_write puts exactly pf_evidence_json's bytes in the file,
 * mode 0644, and reports a failed write. */
/* pf_atomic_create never replaces: the second create is EEXIST and the
 * first content stays; no temporary file is left either way. */
static void test_atomic_create_never_replaces(void **state)
{
    char path[512], err[256] = "";
    size_t len;
    char *got;

    (void)state;
    snprintf(path, sizeof path, "%s/KS", tmpdir);
    assert_int_equal(pf_atomic_create(path, "first", 5, 0644, err, sizeof err),
                     0);
    errno = 0;
    assert_int_equal(
        pf_atomic_create(path, "second", 6, 0644, err, sizeof err), -1);
    assert_int_equal(errno, EEXIST);
    got = read_all(path, &len);
    assert_string_equal(got, "first");
    free(got);
    assert_no_tmp_files(tmpdir);
}

/* A FIFO, a folder: refused at once (never a blocking open), errno
 * EINVAL, the message says what it is; a regular file opens. */
static void test_open_regular_refuses_odd_files(void **state)
{
    char fifo[512], file[512], err[600] = "";
    char *text = NULL;
    size_t len;
    int fd;

    (void)state;
    snprintf(fifo, sizeof fifo, "%s/fifo", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    errno = 0;
    assert_int_equal(pf_open_regular(fifo, 0, err, sizeof err), -1);
    assert_int_equal(errno, EINVAL);
    assert_non_null(strstr(err, "a FIFO"));
    assert_int_equal(pf_read_regular(fifo, 0, 100, &text, &len, err,
                                     sizeof err),
                     -1);
    assert_null(text);
    assert_int_equal(pf_open_regular(tmpdir, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "a folder"));
    snprintf(file, sizeof file, "%s/f", tmpdir);
    write_file(file, "0123456789");
    fd = pf_open_regular(file, O_NOFOLLOW, err, sizeof err);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pf_read_regular(file, 0, 10, &text, &len, err,
                                     sizeof err),
                     0);
    assert_int_equal(len, 10);
    assert_string_equal(text, "0123456789");
    free(text);
    text = NULL;
    assert_int_equal(pf_read_regular(file, 0, 9, &text, &len, err,
                                     sizeof err),
                     -2);
    assert_null(text);
}

/* pf_mkdirs makes every missing folder above the file, not the file;
 * a plain file in the way is an error naming it. */
static void test_mkdirs_makes_parents(void **state)
{
    char path[512], dir[512], err[600] = "";
    struct stat st;

    (void)state;
    snprintf(path, sizeof path, "%s/a/b/c/ev.json", tmpdir);
    assert_int_equal(pf_mkdirs(path, 0750, err, sizeof err), 0);
    snprintf(dir, sizeof dir, "%s/a/b/c", tmpdir);
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 027, 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(pf_mkdirs(path, 0750, err, sizeof err), 0); /* again */
    snprintf(dir, sizeof dir, "%s/plain", tmpdir);
    write_file(dir, "x");
    snprintf(path, sizeof path, "%s/plain/sub/ev.json", tmpdir);
    assert_int_equal(pf_mkdirs(path, 0750, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a folder"));
}

static void test_evidence_write_file(void **state)
{
    pf_check c;
    pf_verdict v;
    pf_report r;
    pf_buf b;
    char path[512], err[256] = "", names[1024];
    struct stat st;
    size_t len;
    char *got;

    (void)state;
    set_check(&c, "f.lua", "a", "A", PF_STATUS_PASS, PF_REASON_NONE, "m");
    memset(&v, 0, sizeof v);
    v.total = v.passed = 1;
    base_report(&r, &v, &c, 1);
    pf_buf_init(&b);
    pf_evidence_json(&b, &r);
    snprintf(path, sizeof path, "%s/ev.json", tmpdir);
    assert_int_equal(pf_evidence_write(path, &r, err, sizeof err), 0);
    got = read_all(path, &len);
    assert_non_null(got);
    assert_int_equal(len, b.len);
    assert_memory_equal(got, b.data, len);
    free(got);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);

    snprintf(path, sizeof path, "%s/missing/ev.json", tmpdir);
    assert_int_equal(pf_evidence_write(path, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing/ev.json"));
    assert_int_equal(list_dir(tmpdir, names, sizeof names), 1);
    pf_buf_free(&b);
    pf_check_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_evidence_json_fields),
        cmocka_unit_test(test_evidence_reason_table),
        cmocka_unit_test(test_evidence_armed_and_refused),
        cmocka_unit_test(test_evidence_no_checks_listed),
        cmocka_unit_test(test_evidence_strings_are_escaped),
        cmocka_unit_test(test_evidence_masked_number_detail_is_valid_json),
        cmocka_unit_test(test_evidence_null_detail_strings),
        cmocka_unit_test(test_rfc3339_ms_table),
        cmocka_unit_test(test_utc_now_ms_is_now),
        cmocka_unit_test_setup_teardown(test_atomic_write_success,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_atomic_write_relative_path,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(
            test_atomic_write_buf_writes_or_reports_oom, setup_tmpdir,
            teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_atomic_write_missing_folder,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_atomic_write_unwritable_folder,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_atomic_write_target_is_a_folder,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test(test_atomic_write_long_path_message_names_step),
        cmocka_unit_test_setup_teardown(test_atomic_write_fails_midway,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_evidence_write_file,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_atomic_create_never_replaces,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_open_regular_refuses_odd_files,
                                        setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_mkdirs_makes_parents,
                                        setup_tmpdir, teardown_tmpdir),
    };

    return cmocka_run_group_tests(tests, 0, NULL);
}
