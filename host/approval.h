/*
 * approval.h: named approvers and their signed approvals (DESIGN.md 8.5),
 * in plain C: the approvers file, the token format, and the acceptance
 * rules. The signature check itself is a callback (Ed25519 through
 * libcrypto, which lives in the plugin so that `run` never loads it);
 * tests pass the real one.
 *
 * approvers (PATH/approvers): blank lines and '#' comments skipped; one
 * key a line, "ed25519 <base64 of the 32-byte public key> <name>"; at
 * most one "require N" line (default 1). Names are [A-Za-z0-9._@-]{1,64},
 * each key and each name listed once, N from 1 to the number of keys.
 *
 * A token is one printable ASCII line under 1 KiB:
 *   pfa1.<base64url(payload)>.<base64url(Ed25519 signature of payload)>
 * and the payload is exactly this JSON object, keys in this order:
 *   {"v":1,"pack":"<64 hex>","cap":"<amount, 2 decimals>","host":"<id>",
 *    "iat":<unix s>,"exp":<unix s>,"approver":"<name>","kid":"<16 hex>",
 *    "nonce":"<32 hex>"}
 * The key id is the first 16 hex digits of the SHA-256 of the raw key.
 */
#ifndef PF_APPROVAL_H
#define PF_APPROVAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PF_APPROVERS_MAX 64
#define PF_APPROVERS_MAX_BYTES (64 * 1024)
#define PF_NAME_MAX 64
#define PF_TOKEN_MAX 1023
#define PF_TOKENS_MAX 64
#define PF_APPROVAL_MAX_TTL_S 600
#define PF_APPROVAL_MAX_FUTURE_S 30
#define PF_HOST_ID_MAX 64

typedef struct pf_approver {
    unsigned char key[32];
    char kid[17];
    char name[PF_NAME_MAX + 1];
} pf_approver;

typedef struct pf_approvers {
    pf_approver a[PF_APPROVERS_MAX];
    size_t n;
    int require; /* 1 unless set */
} pf_approvers;

/* Parse an approvers file. Returns 0, or -1 with "line N: why". An empty
 * file parses (n = 0): such a pack cannot arm LIVE. */
int pf_approvers_parse(const char *text, size_t len, pf_approvers *out,
                       char *err, size_t errlen);

/* The key id of a raw Ed25519 public key (16 hex digits and a NUL). */
void pf_key_id(const unsigned char key[32], char kid[17]);

/* A host id or approver name: [A-Za-z0-9._@-], 1..max bytes. */
int pf_name_ok(const char *s, size_t max);

typedef struct pf_token {
    char pack[65];
    char cap[32];
    char host[PF_HOST_ID_MAX + 1];
    int64_t iat, exp;
    char approver[PF_NAME_MAX + 1];
    char kid[17];
    char nonce[33];
    /* the signed bytes and the signature, as decoded */
    unsigned char payload[640];
    size_t payload_len;
    unsigned char sig[64];
} pf_token;

/* Write the payload for t's fields into b (no token prefix). */
void pf_token_payload(const pf_token *t, pf_buf *b);

/* The token line for payload bytes and a signature (no newline). */
void pf_token_encode(const unsigned char *payload, size_t len,
                     const unsigned char sig[64], pf_buf *b);

/* Decode a token line (no newline). Returns 0 and fills *t, or -1 when it
 * is not a well-formed token ("malformed"). */
int pf_token_decode(const char *line, size_t len, pf_token *t);

/* Ed25519 verification: 1 when sig is valid for msg under key. */
typedef int (*pf_verify_fn)(const unsigned char key[32],
                            const unsigned char *msg, size_t len,
                            const unsigned char sig[64]);
/* Has this nonce armed a run already? 1 yes, 0 no. */
typedef int (*pf_seen_fn)(void *ud, const char *nonce);

typedef struct pf_approval_input {
    const pf_approvers *approvers;
    const char *tokens;   /* the token lines */
    size_t tokens_len;
    const char *pack;     /* the lock's digest */
    const char *cap;      /* LIVE_MAX_NOTIONAL_USD as cents text "250.00" */
    const char *host;     /* this machine's host id */
    int64_t now_s;
    pf_verify_fn verify;
    pf_seen_fn seen;      /* may be NULL: nothing seen */
    void *seen_ud;
} pf_approval_input;

typedef struct pf_accepted {
    char approver[PF_NAME_MAX + 1];
    char kid[17];
    int64_t issued_at;
    char nonce[33];
} pf_accepted;

typedef struct pf_rejected {
    size_t line;
    const char *why; /* malformed signature unlisted-key duplicate-key pack
                        cap host expired future ttl replayed */
} pf_rejected;

typedef struct pf_approval_result {
    pf_accepted accepted[PF_TOKENS_MAX];
    size_t naccepted;
    pf_rejected rejected[PF_TOKENS_MAX];
    size_t nrejected;
    int enough; /* naccepted >= require and require >= 1 and keys listed */
} pf_approval_result;

/* Apply every rule of 8.5 to every token line (blank lines skipped; the
 * lines after the first PF_TOKENS_MAX are not read, so never accepted). */
void pf_approval_check(const pf_approval_input *in, pf_approval_result *out);

/*
 * Decode the text of an EVIDENCE.sig file (DESIGN.md 8.9): the standard
 * base64 of a 64-byte Ed25519 signature, one line, a newline allowed at
 * the end. Returns 0 and fills sig, or -1 for anything else.
 */
int pf_sig_decode(const char *s, size_t n, unsigned char sig[64]);

#endif
