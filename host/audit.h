/*
 * audit.h: the hash-chained audit log (DESIGN.md 8.6).
 *
 * One JSON object a line, appended under an exclusive lock and fsynced:
 *   {"seq":N,"time":"<RFC 3339>","command":"arm","euid":0,"user":"root",
 *    "host":"<host id>","outcome":"armed","exit_code":0,
 *    "evidence_sha256":"<hex>"|null,"pack":"<hex>"|null,
 *    "key_ids":[...],"nonces":[...],"reason":"..."|null,"prev":"<hex>"}
 * seq counts from 1; prev is the SHA-256 of the previous line's bytes
 * without its newline (64 zeros on the first line). prev is always the
 * last member, so a line's hash covers everything it says.
 */
#ifndef PF_AUDIT_H
#define PF_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PF_AUDIT_MAX_LINE (16 * 1024)
#define PF_AUDIT_ZERO                                                          \
    "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct pf_audit_rec {
    const char *command;   /* lock approve arm exec kill guard-stop */
    const char *outcome;   /* armed refused pass fail error engaged ... */
    int exit_code;
    const char *host;      /* host id */
    const char *evidence_sha256; /* NULL: none */
    const char *pack;      /* pack digest, NULL: none */
    const char *const *key_ids;
    size_t nkeys;
    const char *const *nonces;
    size_t nnonces;
    const char *reason;    /* NULL: none; masked by the caller */
    int64_t now_ms;        /* the caller's clock (tests pin it) */
} pf_audit_rec;

/*
 * Append one record to the log at path (created 0640 when missing, its
 * folder must exist; never through a symlink; must be a regular file).
 * Takes an exclusive flock (waiting at most a few seconds for another
 * preflight), reads the last line for seq and prev, writes the new line
 * with one write, fsyncs. Under the same lock it refuses a record whose
 * nonces are already in the log (an approval is used once, even by two
 * runs racing). Fills seq and the new line's hash (hash may be NULL).
 * Returns 0, or -1 with err set: then nothing was appended.
 */
int pf_audit_append(const char *path, const pf_audit_rec *r, int64_t *seq,
                    char hash[65], char *err, size_t errlen);

/*
 * Check the chain: every line whole (newline-ended, at most
 * PF_AUDIT_MAX_LINE bytes), seq 1, 2, 3, ..., and each prev the hash of
 * the line before. Returns 0 intact (nlines set), 1 broken (err names the
 * first bad line), 2 unreadable (err says why).
 */
int pf_audit_verify(const char *path, size_t *nlines, char *err,
                    size_t errlen);

/*
 * Has nonce (32 hex) been recorded in the log? 1 yes, 0 no (or no log),
 * -1 the log cannot be read (err set): the caller treats that as seen.
 */
int pf_audit_nonce_seen(const char *path, const char *nonce, char *err,
                        size_t errlen);

/*
 * The last n records of the log (all when n is 0), one a line into b:
 * as text ("seq time command outcome exit user@host pack reason", each
 * field made terminal-safe by the caller's printer) or, with json, the
 * lines as they are. Returns 0, or 2 unreadable / 1 broken line (err).
 */
int pf_audit_show(const char *path, size_t n, int json, pf_buf *b, char *err,
                  size_t errlen);

#endif
