/*
 * lib_crypto.c: preflight.crypto (see lib_crypto.h and docs/primitives.md).
 *
 *   hmac_sha256(key, msg [, "hex"|"raw"])  Binance signatures, JWT HS256
 *   sha512(msg [, "hex"|"raw"])            Upbit's query_hash
 *   base64url(bytes)                       JWT segments, no padding
 *   uuid4()                                a random nonce, or nil, err
 *
 * Digests come from libcrypto's one-shot HMAC() and EVP_Digest(), into
 * fixed stack buffers, so no C memory is held while Lua may raise. Keys
 * are only ever inputs: nothing here reports or keeps them.
 */
#include "lib_crypto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <lauxlib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sandbox.h"

int pf_crypto_hmac_sha256(const void *key, size_t klen, const void *msg,
                          size_t mlen, unsigned char out[PF_SHA256_LEN])
{
    static const unsigned char empty[1];
    unsigned int olen = 0;

    if (klen > 0x7fffffff)
        return -1; /* HMAC() takes an int key length */
    if (HMAC(EVP_sha256(), klen ? key : empty, (int)klen, mlen ? msg : empty,
             mlen, out, &olen) == NULL ||
        olen != PF_SHA256_LEN)
        return -1;
    return 0;
}

int pf_crypto_sha512(const void *msg, size_t len,
                     unsigned char out[PF_SHA512_LEN])
{
    static const unsigned char empty[1];
    unsigned int olen = 0;

    if (EVP_Digest(len ? msg : empty, len, out, &olen, EVP_sha512(), NULL) !=
            1 ||
        olen != PF_SHA512_LEN)
        return -1;
    return 0;
}

void pf_crypto_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

size_t pf_crypto_base64url_len(size_t n)
{
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t pf_crypto_base64url(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        "0123456789-_";
    size_t i, o = 0;

    for (i = 0; i + 2 < n; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16 |
                          (unsigned long)in[i + 1] << 8 | in[i + 2];
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = abc[v >> 6 & 63];
        out[o++] = abc[v & 63];
    }
    if (n - i == 1) {
        unsigned long v = (unsigned long)in[i] << 16;
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned long hi = in[i], lo = in[i + 1];
        unsigned long v = hi << 16 | lo << 8;
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = abc[v >> 6 & 63];
    }
    out[o] = '\0';
    return o;
}

int pf_crypto_uuid4(char out[37])
{
    unsigned char b[16];
    size_t got = 0;

    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        got += (size_t)r;
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

/* Push a digest as hex (default) or raw bytes, as the option at arg asks. */
static int push_digest(lua_State *L, int arg, const unsigned char *d, size_t n)
{
    static const char *const encodings[] = {"hex", "raw", NULL};
    char hex[2 * PF_SHA512_LEN + 1];

    if (lua_type(L, arg) == LUA_TSTRING)
        pf_checklstring_nonul(L, arg, NULL); /* "raw\0x" is not "raw" */
    if (luaL_checkoption(L, arg, "hex", encodings) == 1) {
        lua_pushlstring(L, (const char *)d, n);
    } else {
        pf_crypto_hex(d, n, hex);
        lua_pushlstring(L, hex, 2 * n);
    }
    return 1;
}

/* hmac_sha256(key, msg [, enc]) -> digest; raises on misuse. */
static int crypto_hmac_sha256(lua_State *L)
{
    size_t klen, mlen;
    const char *key = luaL_checklstring(L, 1, &klen);
    const char *msg = luaL_checklstring(L, 2, &mlen);
    unsigned char d[PF_SHA256_LEN];

    luaL_argcheck(L, klen <= 0x7fffffff, 1, "key too long");
    if (pf_crypto_hmac_sha256(key, klen, msg, mlen, d) != 0)
        return luaL_error(L, "HMAC-SHA256 failed in libcrypto");
    return push_digest(L, 3, d, sizeof d);
}

/* sha512(msg [, enc]) -> digest. */
static int crypto_sha512(lua_State *L)
{
    size_t len;
    const char *msg = luaL_checklstring(L, 1, &len);
    unsigned char d[PF_SHA512_LEN];

    if (pf_crypto_sha512(msg, len, d) != 0)
        return luaL_error(L, "SHA-512 failed in libcrypto");
    return push_digest(L, 2, d, sizeof d);
}

/* base64url(bytes) -> text without padding. */
static int crypto_base64url(lua_State *L)
{
    size_t n;
    const unsigned char *in =
        (const unsigned char *)luaL_checklstring(L, 1, &n);
    luaL_Buffer b;
    char *out;
    size_t olen;

    luaL_argcheck(L, n <= (16u << 20), 1, "at most 16 MiB");
    out = luaL_buffinitsize(L, &b, pf_crypto_base64url_len(n) + 1);
    olen = pf_crypto_base64url(in, n, out);
    luaL_pushresultsize(&b, olen);
    return 1;
}

/* uuid4() -> "xxxxxxxx-xxxx-4xxx-..." or nil, err. */
static int crypto_uuid4(lua_State *L)
{
    char u[37];

    if (pf_crypto_uuid4(u) != 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "no random bytes: %s", strerror(errno));
        return 2;
    }
    lua_pushstring(L, u);
    return 1;
}

static const luaL_Reg crypto_funcs[] = {{"base64url", crypto_base64url},
                                        {"hmac_sha256", crypto_hmac_sha256},
                                        {"sha512", crypto_sha512},
                                        {"uuid4", crypto_uuid4},
                                        {NULL, NULL}};

int pf_open_crypto(lua_State *L)
{
    luaL_newlib(L, crypto_funcs);
    return 1;
}
