/*
 * audit.h: the hash-chained audit log (DESIGN.md 8.6).
 *
 * One JSON object a line, appended under an exclusive lock and fsynced:
 *   {"seq":N,"time":"<RFC 3339>","command":"arm","euid":0,"user":"root",
 *    "host":"<host id>","outcome":"armed","exit_code":0,
 *    "pack":"<hex>"|null,
 *    "key_ids":[...],"nonces":[...],"reason":"..."|null,"prev":"<hex>"}
 * seq counts from 1; prev is the SHA-256 of the previous line's bytes
 * without its newline (64 zeros on the first line; in a rotated log the
 * first line is a "rotate" record that carries the previous file's last
 * line hash and continues its seq). prev is always the
 * last member, so a line's hash covers everything it says.
 *
 * A line holds no hash of the run's evidence: the evidence is written
 * after the line and records the line's seq and hash (the link goes from
 * the evidence to the line), and it may be written again after the line
 * (a failed write, a signal, the guard's stop document), so a hash taken
 * before would name a document that need not exist. The evidence's own
 * integrity is its signature (--sign-key, DESIGN.md 8.9). Lines written
 * by earlier versions carry "evidence_sha256":null; readers ignore it.
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
 * PF_AUDIT_MAX_LINE bytes), seq 1, 2, 3, ... (or, in a rotated log, from
 * its first line's seq on), and each prev the hash of the line before. Returns 0 intact (nlines set), 1 broken (err names the
 * first bad line), 2 unreadable (err says why).
 */
int pf_audit_verify(const char *path, size_t *nlines, char *err,
                    size_t errlen);

/*
 * The chain of one log file. A file starts either with seq 1 and a prev
 * of 64 zeros, or (a rotated log) with a "rotate" record whose prev is
 * the hash of the last line of the previous file and whose seq follows
 * that file's last; seq then counts up by one a line.
 */
typedef struct pf_audit_chain {
    size_t nlines;       /* intact lines */
    int64_t first_seq, last_seq;
    int linked;          /* the first line links to a previous file */
    char first_prev[65]; /* its prev: that file's last line hash */
    char last_hash[65];  /* the hash of the last intact line */
} pf_audit_chain;

/* As pf_audit_verify, filling *c (as far as the chain is intact). */
int pf_audit_verify_chain(const char *path, pf_audit_chain *c, char *err,
                          size_t errlen);

/* A rotation carries the nonces of the lines of the last
 * PF_AUDIT_CARRY_S seconds (and of lines whose time is ahead or cannot be
 * read): an approval lives at most 600 s after it is issued and is
 * accepted at most 30 s before, so its nonce stays known while it could be
 * presented again. */
#define PF_AUDIT_CARRY_S 900

/*
 * Rotate the log at path, keeping its chain: under the log's lock, check
 * its chain (a broken one is not rotated), hard-link it as
 * "PATH.FIRST-LAST" (its first and last seq; never replacing a file),
 * write a new file whose only line is a "rotate" record (seq LAST+1, prev
 * the old last line's hash, reason naming the old file, nonces those of
 * the old file's recent lines, owner and mode the old file's), fsync it
 * and rename it over path. An append waiting for the lock meanwhile goes
 * to the new file (pf_audit_append opens again when the file at path
 * changed). Fills archive, *old (the old file's chain) and hash (the
 * rotate line's). Returns 0; 1 when the log is empty or its chain is
 * broken (not rotated); -1 when it cannot be read, locked or rotated. On
 * 1 and -1, err says why, path is the old log, unchanged, and archive is
 * "" (except when only the fsync of the folder failed after the rename:
 * -1, rotated, archive set).
 */
int pf_audit_rotate(const char *path, const char *host, int64_t now_ms,
                    char *archive, size_t archivelen, pf_audit_chain *old,
                    char hash[65], char *err, size_t errlen);

/*
 * Has nonce (32 hex) been recorded in the log? 1 yes, 0 no (or no log),
 * -1 the log cannot be read (err set): the caller treats that as seen.
 */
int pf_audit_nonce_seen(const char *path, const char *nonce, char *err,
                        size_t errlen);

/* The same for n nonces in one pass over the log: 1 (which: the index of
 * one that is there), 0 none, -1 unreadable. */
int pf_audit_nonces_seen(const char *path, const char *const *nonces,
                         size_t n, size_t *which, char *err, size_t errlen);

/*
 * Every quoted 32-byte string of the log (a superset of its nonces), for
 * looking several nonces up after one read: *set (malloc'd, caller
 * frees; NULL when none) and *n. A missing log gives none. Returns 0, or
 * -1 (unreadable, a line not whole or too long, out of memory) with err
 * set: the caller treats every nonce as seen.
 */
int pf_audit_nonces_all(const char *path, char (**set)[33], size_t *n,
                        char *err, size_t errlen);

/*
 * The last n records of the log (all when n is 0), one a line into b:
 * as text ("seq time command outcome exit user@host pack reason", each
 * field made terminal-safe by the caller's printer) or, with json, the
 * lines as they are. Returns 0, or 2 unreadable / 1 broken line (err).
 */
int pf_audit_show(const char *path, size_t n, int json, pf_buf *b, char *err,
                  size_t errlen);

#endif
