/*
 * test_approval.c: cmocka tests of approvers and signed approvals
 * (host/approval.c) with real Ed25519 keys from libcrypto: the approvers
 * file as a table, and one row per acceptance rule of DESIGN.md 8.5 with
 * the `why` word each refused token must carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "approval.h"
#include "sign.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))
#define NOW 1795747080LL
#define PACK "5fb7b20fd6fd2d1916f75f13e9bbc5ba0beda4c4cd1fd1b4a2b7d3fa4fa1b0a0"
#define PACK2 "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- keys --------------------------------------------------------------- */

typedef struct key {
    EVP_PKEY *pk;
    unsigned char pub[32];
    char kid[17];
    char line[128]; /* its approvers line without the name */
} key;

static key alice, bob, carol; /* carol is not listed */

static void b64(const unsigned char *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static void make_key(key *k)
{
    size_t n = 32;
    char enc[64];

    k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(k->pk);
    assert_int_equal(EVP_PKEY_get_raw_public_key(k->pk, k->pub, &n), 1);
    pf_key_id(k->pub, k->kid);
    b64(k->pub, 32, enc);
    snprintf(k->line, sizeof k->line, "ed25519 %s", enc);
}

static int verify(const unsigned char pub[32], const unsigned char *msg,
                  size_t len, const unsigned char sig[64])
{
    EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = pk && c && EVP_DigestVerifyInit(c, NULL, NULL, NULL, pk) == 1 &&
             EVP_DigestVerify(c, sig, 64, msg, len) == 1;

    EVP_MD_CTX_free(c);
    EVP_PKEY_free(pk);
    return ok;
}

/* A token signed by k over t's fields (kid and approver filled in unless
 * set), into out. */
static void sign(const key *k, pf_token t, const char *name, char *out,
                 size_t outlen)
{
    pf_buf p, tok;
    unsigned char sig[64];
    size_t siglen = 64;
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    if (t.kid[0] == '\0')
        memcpy(t.kid, k->kid, 17);
    snprintf(t.approver, sizeof t.approver, "%s", name);
    pf_buf_init(&p);
    pf_token_payload(&t, &p);
    assert_int_equal(EVP_DigestSignInit(c, NULL, NULL, NULL, k->pk), 1);
    assert_int_equal(EVP_DigestSign(c, sig, &siglen, (unsigned char *)p.data,
                                    p.len),
                     1);
    EVP_MD_CTX_free(c);
    pf_buf_init(&tok);
    pf_token_encode((unsigned char *)p.data, p.len, sig, &tok);
    pf_buf_addc(&tok, '\0');
    snprintf(out, outlen, "%s", tok.data);
    pf_buf_free(&p);
    pf_buf_free(&tok);
}

static pf_token base(const char *nonce)
{
    pf_token t;

    memset(&t, 0, sizeof t);
    snprintf(t.pack, sizeof t.pack, "%s", PACK);
    snprintf(t.cap, sizeof t.cap, "250.00");
    snprintf(t.host, sizeof t.host, "bot-1");
    t.iat = NOW - 60;
    t.exp = NOW + 500;
    snprintf(t.nonce, sizeof t.nonce, "%s", nonce);
    return t;
}

static int setup(void **state)
{
    (void)state;
    make_key(&alice);
    make_key(&bob);
    make_key(&carol);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(alice.pk);
    EVP_PKEY_free(bob.pk);
    EVP_PKEY_free(carol.pk);
    return 0;
}

/* ---- approvers ---------------------------------------------------------- */

static void test_approvers_file(void **state)
{
    char text[1024], err[300];
    pf_approvers a;

    (void)state;
    snprintf(text, sizeof text, "# reviewed in PR 12\n\n%s alice\n%s bob\n"
                                "require 2\n",
             alice.line, bob.line);
    assert_int_equal(pf_approvers_parse(text, strlen(text), &a, err, sizeof err),
                     0);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.require, 2);
    assert_string_equal(a.a[0].name, "alice");
    assert_string_equal(a.a[0].kid, alice.kid);
    assert_memory_equal(a.a[1].key, bob.pub, 32);

    assert_int_equal(pf_approvers_parse("", 0, &a, err, sizeof err), 0);
    assert_int_equal(a.n, 0); /* parses; cannot arm */
}

static void test_approvers_refusals(void **state)
{
    struct {
        const char *fmt; /* %s: alice's line, %s: bob's line */
        const char *err;
    } rows[] = {
        {"%s alice\n%s alice\n", "line 2: the name alice is listed twice"},
        {"%s alice\n%s bob\n", NULL},
        {"%s alice\n%.0srequire 2\n", "require 2 but only 1 key listed"},
        {"%s alice\n%.0srequire 0\n", "line 2: want \"require N\""},
        {"%s alice\n%.0srequire 1\nrequire 1\n", "line 3: require is set twice"},
        {"%s alice\r\n%.0s", "line 1: byte \\x0D: CR"},
        {"%s al ice\n%.0s", "line 1: want \"ed25519"},
        {"%s al/ice\n%.0s", "line 1: the name must be"},
        {"%.40s alice\n%.0s", "line 1: the key is not the base64 of 32 bytes"},
        {"ed25519 AAAA alice\n%.0s%.0s", "line 1: the key is not"},
        {"rsa AAAA alice\n%.0s%.0s", "line 1: want"},
        {"%s alice\xc3\xa9\n%.0s", "line 1: byte \\xC3 is not printable"},
    };
    char text[1024], err[300];
    pf_approvers a;

    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        int rc;
        snprintf(text, sizeof text, rows[i].fmt, alice.line, bob.line);
        err[0] = '\0';
        rc = pf_approvers_parse(text, strlen(text), &a, err, sizeof err);
        if (rows[i].err == NULL ? rc != 0
                                : rc != -1 || strstr(err, rows[i].err) == NULL)
            fail_msg("row %zu: rc %d err \"%s\"", i, rc, err);
    }
    /* the same key under two names */
    snprintf(text, sizeof text, "%s alice\n%s alice2\n", alice.line,
             alice.line);
    assert_int_equal(pf_approvers_parse(text, strlen(text), &a, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "line 2: this key is listed twice"));
}

/* ---- tokens ------------------------------------------------------------- */

static const char *seen_nonce = "ffffffffffffffffffffffffffffffff";

static int seen(void *ud, const char *nonce)
{
    (void)ud;
    return strcmp(nonce, seen_nonce) == 0;
}

static void check(const char *tokens, const pf_approvers *a,
                  pf_approval_result *r)
{
    pf_approval_input in;

    memset(&in, 0, sizeof in);
    in.approvers = a;
    in.tokens = tokens;
    in.tokens_len = strlen(tokens);
    in.pack = PACK;
    in.cap = "250.00";
    in.host = "bot-1";
    in.now_s = NOW;
    in.verify = verify;
    in.seen = seen;
    pf_approval_check(&in, r);
}

static void listed(pf_approvers *a, int require)
{
    char text[512], err[200];

    snprintf(text, sizeof text, "%s alice\n%s bob\nrequire %d\n", alice.line,
             bob.line, require);
    assert_int_equal(pf_approvers_parse(text, strlen(text), a, err, sizeof err),
                     0);
}

static void test_tokens_each_rule(void **state)
{
    static pf_approvers a;
    char tok[1100];
    struct {
        const char *what, *why; /* why NULL: accepted */
    } rows[] = {
        {"valid", NULL},      {"tampered", "signature"},
        {"pack", "pack"},     {"cap", "cap"},
        {"host", "host"},     {"expired", "expired"},
        {"future", "future"}, {"ttl", "ttl"},
        {"ttl zero", "ttl"},  {"unlisted", "unlisted-key"},
        {"name", "unlisted-key"}, {"replayed", "replayed"},
        {"malformed", "malformed"}, {"crlf", "malformed"},
        {"truncated", "malformed"}, {"long", "malformed"},
        {"other key's sig", "signature"},
    };

    (void)state;
    listed(&a, 1);
    for (size_t i = 0; i < NROWS(rows); i++) {
        pf_token t = base("0123456789abcdef0123456789abcdef");
        pf_approval_result r;
        const char *w = rows[i].what;
        char line[1300];

        if (strcmp(w, "pack") == 0)
            snprintf(t.pack, sizeof t.pack, "%s", PACK2);
        if (strcmp(w, "cap") == 0)
            snprintf(t.cap, sizeof t.cap, "250.01");
        if (strcmp(w, "host") == 0)
            snprintf(t.host, sizeof t.host, "bot-2");
        if (strcmp(w, "expired") == 0) {
            t.iat = NOW - 600;
            t.exp = NOW;
        }
        if (strcmp(w, "future") == 0) {
            t.iat = NOW + 31;
            t.exp = NOW + 300;
        }
        if (strcmp(w, "ttl") == 0)
            t.exp = t.iat + 601;
        if (strcmp(w, "ttl zero") == 0)
            t.exp = t.iat;
        if (strcmp(w, "replayed") == 0)
            snprintf(t.nonce, sizeof t.nonce, "%s", seen_nonce);
        if (strcmp(w, "unlisted") == 0)
            sign(&carol, t, "carol", tok, sizeof tok);
        else if (strcmp(w, "name") == 0)
            sign(&alice, t, "bob", tok, sizeof tok);
        else if (strcmp(w, "other key's sig") == 0) {
            memcpy(t.kid, alice.kid, 17); /* claims alice, signed by bob */
            sign(&bob, t, "alice", tok, sizeof tok);
        } else
            sign(&alice, t, "alice", tok, sizeof tok);
        snprintf(line, sizeof line, "%s\n", tok);
        if (strcmp(w, "tampered") == 0) {
            /* alice's signature on a payload with a larger cap: well
             * formed, and the cap would even match */
            pf_token d;
            pf_buf p, o;
            assert_int_equal(pf_token_decode(tok, strlen(tok), &d), 0);
            snprintf(d.cap, sizeof d.cap, "2500.00");
            pf_buf_init(&p);
            pf_token_payload(&d, &p);
            pf_buf_init(&o);
            pf_token_encode((unsigned char *)p.data, p.len, d.sig, &o);
            pf_buf_addc(&o, '\0');
            snprintf(line, sizeof line, "%s\n", o.data);
            pf_buf_free(&p);
            pf_buf_free(&o);
        }
        if (strcmp(w, "malformed") == 0)
            snprintf(line, sizeof line, "pfa1.not-a-token\n");
        if (strcmp(w, "crlf") == 0)
            snprintf(line, sizeof line, "%s\r\n", tok);
        if (strcmp(w, "truncated") == 0)
            line[strlen(line) - 5] = '\0';
        if (strcmp(w, "long") == 0) {
            memset(line, 'A', 1200);
            memcpy(line, "pfa1.", 5);
            line[1200] = '\0';
        }
        check(line, &a, &r);
        if (rows[i].why == NULL) {
            if (r.naccepted != 1 || r.nrejected != 0 || !r.enough)
                fail_msg("row %s: accepted %zu rejected %zu (%s)", w,
                         r.naccepted, r.nrejected,
                         r.nrejected ? r.rejected[0].why : "");
            assert_string_equal(r.accepted[0].approver, "alice");
            assert_string_equal(r.accepted[0].kid, alice.kid);
            assert_int_equal(r.accepted[0].issued_at, NOW - 60);
        } else if (r.naccepted != 0 || r.nrejected != 1 || r.enough ||
                   strcmp(r.rejected[0].why, rows[i].why) != 0 ||
                   r.rejected[0].line != 1) {
            fail_msg("row %s: accepted %zu rejected %zu why %s, want %s", w,
                     r.naccepted, r.nrejected,
                     r.nrejected ? r.rejected[0].why : "-", rows[i].why);
        }
    }
}

static void test_tokens_require_distinct_keys(void **state)
{
    static pf_approvers a;
    char t1[1100], t2[1100], t3[1100], all[3400];
    pf_approval_result r;

    (void)state;
    listed(&a, 2);
    sign(&alice, base("00000000000000000000000000000001"), "alice", t1,
         sizeof t1);
    sign(&alice, base("00000000000000000000000000000002"), "alice", t2,
         sizeof t2);
    sign(&bob, base("00000000000000000000000000000003"), "bob", t3, sizeof t3);

    /* alice twice is one approver: not enough, the second is a duplicate */
    snprintf(all, sizeof all, "%s\n\n%s\n", t1, t2);
    check(all, &a, &r);
    assert_int_equal(r.naccepted, 1);
    assert_int_equal(r.nrejected, 1);
    assert_string_equal(r.rejected[0].why, "duplicate-key");
    assert_int_equal(r.rejected[0].line, 3);
    assert_false(r.enough);

    /* alice and bob: enough */
    snprintf(all, sizeof all, "%s\n%s", t1, t3);
    check(all, &a, &r);
    assert_int_equal(r.naccepted, 2);
    assert_true(r.enough);

    /* the same token twice: its nonce is replayed */
    snprintf(all, sizeof all, "%s\n%s\n", t3, t3);
    check(all, &a, &r);
    assert_int_equal(r.naccepted, 1);
    assert_string_equal(r.rejected[0].why, "replayed");
    assert_false(r.enough);

    /* no approvers: never enough, whatever is presented */
    memset(&a, 0, sizeof a);
    a.require = 1;
    check(t1, &a, &r);
    assert_false(r.enough);
    assert_string_equal(r.rejected[0].why, "unlisted-key");
}

static void test_token_round_trip(void **state)
{
    char tok[1100];
    pf_token t;

    (void)state;
    sign(&alice, base("0123456789abcdef0123456789abcdef"), "alice", tok,
         sizeof tok);
    assert_true(strlen(tok) < 1024);
    for (const char *p = tok; *p; p++)
        assert_true(*p > 0x20 && *p < 0x7f);
    assert_int_equal(pf_token_decode(tok, strlen(tok), &t), 0);
    assert_string_equal(t.pack, PACK);
    assert_string_equal(t.cap, "250.00");
    assert_string_equal(t.host, "bot-1");
    assert_string_equal(t.approver, "alice");
    assert_string_equal(t.kid, alice.kid);
    assert_int_equal(t.exp, NOW + 500);
}

/* keygen, load, sign and verify through sign.c, and every refusal of a
 * key file. */
static void test_sign_keys(void **state)
{
    char dir[] = "/tmp/pf_keys_XXXXXX", p[128], q[128], err[300], cmd[256];
    unsigned char pub[32], pub2[32], sig[64];
    static const unsigned char msg[] = "evidence bytes";
    pf_sign_key *k;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/alice.key", dir);
    assert_int_equal(pf_sign_keygen(p, NULL, pub, err, sizeof err), 0);
    {
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
    }
    /* never over an existing key */
    assert_int_equal(pf_sign_keygen(p, NULL, pub2, err, sizeof err), -1);
    assert_non_null(strstr(err, "never overwrites"));
    k = pf_sign_load(p, NULL, pub2, err, sizeof err);
    assert_non_null(k);
    assert_memory_equal(pub, pub2, 32);
    assert_int_equal(pf_sign(k, msg, sizeof msg - 1, sig), 0);
    pf_sign_free(k);
    assert_int_equal(pf_sign_verify(pub, msg, sizeof msg - 1, sig), 1);
    assert_int_equal(pf_sign_verify(pub, msg, sizeof msg - 2, sig), 0);
    sig[0] ^= 1;
    assert_int_equal(pf_sign_verify(pub, msg, sizeof msg - 1, sig), 0);
    assert_int_equal(pf_sign_verify(alice.pub, msg, sizeof msg - 1, sig), 0);

    /* with a passphrase: the right one loads, a wrong one says so */
    snprintf(q, sizeof q, "%s/bob.key", dir);
    assert_int_equal(pf_sign_keygen(q, "correct horse", pub, err, sizeof err),
                     0);
    k = pf_sign_load(q, "correct horse", pub2, err, sizeof err);
    assert_non_null(k);
    pf_sign_free(k);
    assert_null(pf_sign_load(q, "wrong", pub2, err, sizeof err));
    assert_non_null(strstr(err, "wrong or missing passphrase"));
    assert_null(pf_sign_load(q, NULL, pub2, err, sizeof err));

    /* loose mode, symlink, FIFO, garbage */
    assert_int_equal(chmod(p, 0640), 0);
    assert_null(pf_sign_load(p, NULL, pub2, err, sizeof err));
    assert_non_null(strstr(err, "chmod 600"));
    assert_int_equal(chmod(p, 0600), 0);
    snprintf(cmd, sizeof cmd,
             "cd %s && ln -s alice.key link.key && mkfifo fifo.key && "
             "echo nope > bad.key && chmod 600 bad.key", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(q, sizeof q, "%s/link.key", dir);
    assert_null(pf_sign_load(q, NULL, pub2, err, sizeof err));
    assert_non_null(strstr(err, "symbolic link"));
    snprintf(q, sizeof q, "%s/fifo.key", dir);
    assert_null(pf_sign_load(q, NULL, pub2, err, sizeof err));
    assert_non_null(strstr(err, "not a regular file"));
    snprintf(q, sizeof q, "%s/bad.key", dir);
    assert_null(pf_sign_load(q, NULL, pub2, err, sizeof err));
    assert_non_null(strstr(err, "not a PEM private key"));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_approvers_file),
        cmocka_unit_test(test_approvers_refusals),
        cmocka_unit_test(test_token_round_trip),
        cmocka_unit_test(test_tokens_each_rule),
        cmocka_unit_test(test_tokens_require_distinct_keys),
        cmocka_unit_test(test_sign_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
