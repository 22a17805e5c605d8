/*
 * lib_crypto.h: preflight.crypto, the hashing and signing that exchange
 * APIs need (HMAC-SHA256 request signatures, SHA-512 query hashes, JWT's
 * base64url, random nonces), on Debian's libcrypto (OpenSSL 3).
 *
 * The pf_crypto_* helpers are plain C over byte buffers so cmocka can test
 * them against published vectors without a Lua state; pf_open_crypto
 * (libs.h) pushes the Lua family's table.
 */
#ifndef PF_LIB_CRYPTO_H
#define PF_LIB_CRYPTO_H

#include <stddef.h>

#include <lua.h>

#include "libs.h"

#define PF_SHA256_LEN 32
#define PF_SHA512_LEN 64

/* HMAC-SHA256 of msg under key into out. Returns 0, or -1 on a libcrypto
 * failure. */
int pf_crypto_hmac_sha256(const void *key, size_t klen, const void *msg,
                          size_t mlen, unsigned char out[PF_SHA256_LEN]);

/* SHA-512 of msg into out. Returns 0, or -1 on a libcrypto failure. */
int pf_crypto_sha512(const void *msg, size_t len,
                     unsigned char out[PF_SHA512_LEN]);

/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL added). */
void pf_crypto_hex(const unsigned char *in, size_t n, char *out);

/* Base64url without padding (RFC 4648 section 5, as JWT uses it) of n
 * bytes into out (at least pf_crypto_base64url_len(n) + 1 bytes, NUL
 * added). Returns the length written. */
size_t pf_crypto_base64url(const unsigned char *in, size_t n, char *out);
size_t pf_crypto_base64url_len(size_t n);

/* A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", from
 * getrandom. Returns 0, or -1 with errno set. */
int pf_crypto_uuid4(char out[37]);

#endif
