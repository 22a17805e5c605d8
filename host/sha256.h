/*
 * sha256.h: SHA-256 (FIPS 180-4) of a buffer, as lowercase hex.
 * The evidence records the digest of the exact bytes a worker loaded.
 */
#ifndef PF_SHA256_H
#define PF_SHA256_H

#include <stddef.h>

void pf_sha256_hex(const void *data, size_t len, char out[65]);

#endif
