/*
 * sign.h: Ed25519 keys and signatures for approvers and attestation
 * (keygen, approve, verify, --sign-key), on libcrypto. Built into
 * preflight_net.so with the other libcrypto users, so that `run` and
 * `version` never load libcrypto; the commands that sign or verify find
 * these functions through the plugin.
 */
#ifndef PF_SIGN_H
#define PF_SIGN_H

#include <stddef.h>

typedef struct pf_sign_key pf_sign_key; /* a private key in memory */

/*
 * Make a new key pair and write the private key to path as PEM PKCS#8
 * (encrypted with AES-256 under passphrase when it is not NULL or empty),
 * mode 0600, never over an existing file or through a symlink, fsynced.
 * Fills pub with the raw public key. Returns 0, or -1 with err set.
 */
int pf_sign_keygen(const char *path, const char *passphrase,
                   unsigned char pub[32], char *err, size_t errlen);

/*
 * Read a private key written by pf_sign_keygen: a regular file (not a
 * symlink, not a FIFO), at most 16 KiB, readable by its owner only.
 * Returns the key (free with pf_sign_free) and fills pub, or NULL with
 * err set (a wrong passphrase says so).
 */
pf_sign_key *pf_sign_load(const char *path, const char *passphrase,
                          unsigned char pub[32], char *err, size_t errlen);

void pf_sign_free(pf_sign_key *k); /* accepts NULL */

/* Sign msg. Returns 0 and the 64-byte signature, or -1. */
int pf_sign(pf_sign_key *k, const unsigned char *msg, size_t len,
            unsigned char sig[64]);

/* 1 when sig is a valid Ed25519 signature of msg under pub, else 0
 * (pf_verify_fn of approval.h). */
int pf_sign_verify(const unsigned char pub[32], const unsigned char *msg,
                   size_t len, const unsigned char sig[64]);

#endif
