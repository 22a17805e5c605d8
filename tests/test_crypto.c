/*
 * test_crypto.c: cmocka tests of preflight.crypto (host/lib_crypto.c)
 * against published vectors: RFC 4231 for HMAC-SHA256, FIPS 180 for
 * SHA-512, RFC 4648 for base64url, and Binance's documented request
 * signature (its API docs' LTCBTC example, whose signature `openssl dgst
 * -sha256 -hmac` reproduces). First the plain C helpers, then the same vectors
 * through the Lua functions in a real sandbox, and their misuse.
 */
/* cmocka.h needs these first */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "lib_crypto.h"
#include "sandbox.h"
#include "testutil.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* A key or message given as a repeated byte (fill, n) or as text. */
typedef struct {
    const char *text;
    unsigned char fill;
    size_t n;
} bytes;

static size_t make(const bytes *b, unsigned char *out)
{
    if (b->text != NULL) {
        memcpy(out, b->text, strlen(b->text));
        return strlen(b->text);
    }
    memset(out, b->fill, b->n);
    return b->n;
}

static const char binance_key[] =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
static const char binance_query[] =
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    "&recvWindow=5000&timestamp=1499827319559";
static const char binance_sig[] =
    "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

static const struct {
    const char *name;
    bytes key, msg;
    const char *hex; /* a prefix when the RFC truncates (case 5) */
} hmac_rows[] = {
    {"rfc4231 case 1",
     {NULL, 0x0b, 20},
     {"Hi There", 0, 0},
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"rfc4231 case 2",
     {"Jefe", 0, 0},
     {"what do ya want for nothing?", 0, 0},
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"rfc4231 case 3",
     {NULL, 0xaa, 20},
     {NULL, 0xdd, 50},
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"rfc4231 case 5 (truncated)",
     {NULL, 0x0c, 20},
     {"Test With Truncation", 0, 0},
     "a3b6167473100ee06e0c796c2955552b"},
    {"rfc4231 case 6",
     {NULL, 0xaa, 131},
     {"Test Using Larger Than Block-Size Key - Hash Key First", 0, 0},
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {"rfc4231 case 7",
     {NULL, 0xaa, 131},
     {"This is a test using a larger than block-size key and a larger than "
      "block-size data. The key needs to be hashed before being used by the "
      "HMAC algorithm.",
      0, 0},
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    {"binance signature example",
     {binance_key, 0, 0},
     {binance_query, 0, 0},
     binance_sig},
};

static void test_hmac_sha256_vectors(void **state)
{
    unsigned char key[200], msg[200], d[PF_SHA256_LEN];
    char hex[2 * PF_SHA256_LEN + 1];
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(hmac_rows); i++) {
        size_t kl = make(&hmac_rows[i].key, key);
        size_t ml = make(&hmac_rows[i].msg, msg);
        assert_int_equal(pf_crypto_hmac_sha256(key, kl, msg, ml, d), 0);
        pf_crypto_hex(d, sizeof d, hex);
        if (strncmp(hex, hmac_rows[i].hex, strlen(hmac_rows[i].hex)) != 0)
            fail_msg("%s: got %s", hmac_rows[i].name, hex);
    }
}

/* RFC 4231 case 4: the key is the bytes 0x01 to 0x19. */
static void test_hmac_sha256_counting_key(void **state)
{
    unsigned char key[25], msg[50], d[PF_SHA256_LEN];
    char hex[2 * PF_SHA256_LEN + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)(i + 1);
    memset(msg, 0xcd, sizeof msg);
    assert_int_equal(pf_crypto_hmac_sha256(key, sizeof key, msg, sizeof msg, d),
                     0);
    pf_crypto_hex(d, sizeof d, hex);
    assert_string_equal(
        hex,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

static void test_sha512_vectors(void **state)
{
    unsigned char d[PF_SHA512_LEN];
    char hex[2 * PF_SHA512_LEN + 1];

    (void)state;
    assert_int_equal(pf_crypto_sha512("abc", 3, d), 0);
    pf_crypto_hex(d, sizeof d, hex);
    assert_string_equal(hex, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea2"
                             "0a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
                             "454d4423643ce80e2a9ac94fa54ca49f");
    assert_int_equal(pf_crypto_sha512("", 0, d), 0);
    pf_crypto_hex(d, sizeof d, hex);
    assert_string_equal(hex, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc"
                             "83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f"
                             "63b931bd47417a81a538327af927da3e");
}

static void test_base64url_rfc4648(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {{"", ""},
                {"f", "Zg"},
                {"fo", "Zm8"},
                {"foo", "Zm9v"},
                {"foob", "Zm9vYg"},
                {"fooba", "Zm9vYmE"},
                {"foobar", "Zm9vYmFy"},
                {"\xfb\xff", "-_8"},
                {"\xfb\xef\xbe", "----"},
                {"\xff\xff\xff", "____"}};
    char out[32];
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        size_t n = strlen(rows[i].in);
        assert_int_equal(
            pf_crypto_base64url((const unsigned char *)rows[i].in, n, out),
            strlen(rows[i].out));
        assert_int_equal(pf_crypto_base64url_len(n), strlen(rows[i].out));
        assert_string_equal(out, rows[i].out);
    }
}

static void test_uuid4_shape(void **state)
{
    char a[37], b[37];
    size_t i;

    (void)state;
    assert_int_equal(pf_crypto_uuid4(a), 0);
    assert_int_equal(pf_crypto_uuid4(b), 0);
    assert_int_equal(strlen(a), 36);
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(a[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", a[i]));
    }
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    assert_string_not_equal(a, b);
}

/* ---- the Lua functions, in a real sandbox -------------------------------- */

static char out[2048];

/* Run code (returning one string) in a fresh sandbox in mock HTTP mode;
 * the string, or "error: <text>", is left in out. */
static const char *run(const char *code)
{
    pf_sandbox_conf conf = test_conf("mock");

    return run_lua(&conf, code, 5000, out, sizeof out);
}

static void test_lua_vectors(void **state)
{
    static const struct {
        const char *code, *want;
    } rows[] = {
        {"return preflight.crypto.hmac_sha256('Jefe', "
         "'what do ya want for nothing?')",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"return preflight.crypto.hmac_sha256(string.rep('\\x0b', 20), "
         "'Hi There', 'hex')",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"local r = preflight.crypto.hmac_sha256('Jefe', "
         "'what do ya want for nothing?', 'raw') "
         "return #r .. ':' .. string.format('%02x%02x', r:byte(1, 2))",
         "32:5bdc"},
        {"return preflight.crypto.hmac_sha256("
         "'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j', "
         "'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1"
         "&price=0.1&recvWindow=5000&timestamp=1499827319559')",
         "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"},
        {"return preflight.crypto.sha512('abc'):sub(1, 32)",
         "ddaf35a193617abacc417349ae204131"},
        {"return preflight.crypto.sha512('')",
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
        {"return tostring(#preflight.crypto.sha512('abc', 'raw'))", "64"},
        {"return preflight.crypto.base64url('foobar') .. '|' .. "
         "preflight.crypto.base64url('\\xfb\\xff') .. '|' .. "
         "preflight.crypto.base64url('')",
         "Zm9vYmFy|-_8|"},
        {"local u = preflight.crypto.uuid4() return "
         "tostring(u:match('^%x+%-%x+%-4%x+%-[89ab]%x+%-%x+$') ~= nil) .. "
         "tostring(u ~= preflight.crypto.uuid4())",
         "truetrue"},
        /* misuse raises (the message follows the chunk's position) */
        {"return preflight.crypto.hmac_sha256('k')",
         "error: bad argument #2 to 'hmac_sha256' (string expected, got no "
         "value)"},
        {"return preflight.crypto.sha512('x', 'base64')",
         "error: bad argument #2 to 'sha512' (invalid option 'base64')"},
        {"return preflight.crypto.base64url({})",
         "error: bad argument #1 to 'base64url' (string expected, got table)"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        const char *want = rows[i].want;
        int ok;
        run(rows[i].code);
        if (strncmp(want, "error: ", 7) == 0) /* after the chunk's position */
            ok = strncmp(out, "error: ", 7) == 0 && strstr(out, want + 7);
        else
            ok = strcmp(out, want) == 0;
        if (!ok)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, out, rows[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_sha256_vectors),
        cmocka_unit_test(test_hmac_sha256_counting_key),
        cmocka_unit_test(test_sha512_vectors),
        cmocka_unit_test(test_base64url_rfc4648),
        cmocka_unit_test(test_uuid4_shape),
        cmocka_unit_test(test_lua_vectors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
