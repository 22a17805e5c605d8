/*
 * redact.h: mask the values of secret environment variables.
 *
 * The parent builds one pf_redactor at start from its environment (names
 * containing KEY, SECRET, TOKEN, PASSWORD or PASSPHRASE, any case, plus
 * names given with --secret) and passes every string that came from a check
 * through it before the string reaches any output.
 */
#ifndef PF_REDACT_H
#define PF_REDACT_H

#include <stddef.h>

#define PF_REDACT_MASK "***"

/*
 * Values of variables secret by their NAME that are shorter than this are
 * masked only where they stand as a whole token (no letter, digit or
 * non-ASCII byte on either side), and common settings (true, no, 0, ...)
 * not at all: `KEYMAP=fi` must not turn "fine" into "***ne". Values named
 * with --secret, and all values this long or longer, are masked wherever
 * they occur. See docs/SECRETS.md.
 */
#define PF_REDACT_MIN_LEN 8

/* The text a cut string ends with. */
#define PF_CUT_MARK " [truncated]"

typedef struct pf_redactor {
    char **values;        /* distinct non-empty secret values */
    unsigned char *token; /* per value: 1 = only whole tokens are masked */
    size_t n;
} pf_redactor;

void pf_redactor_init(pf_redactor *r);
void pf_redactor_free(pf_redactor *r); /* accepts NULL */
/* Add one secret value, masked wherever it occurs; empty values are
 * ignored. Returns 0 or -1 (oom). */
int pf_redactor_add(pf_redactor *r, const char *value);
/* The same, masked only where it stands as a whole token when token is 1
 * (a value also added without it is masked everywhere). */
int pf_redactor_add_token(pf_redactor *r, const char *value, int token);
/* 1 when value is a common setting that is no secret (true, false, yes,
 * no, on, off, none, null, 0, 1, ...; any case). */
int pf_redact_plain_value(const char *value);
/* 1 when an environment variable of this name is secret by its name. */
int pf_secret_name(const char *name);
/*
 * Add the values of every secret variable in envp (NAME=VALUE strings),
 * plus those named in extra[0..nextra). A value named in extra is masked
 * everywhere whatever its length; a value secret by its name only is
 * masked everywhere when it has PF_REDACT_MIN_LEN bytes or more, as a
 * whole token when shorter, and not at all when pf_redact_plain_value.
 * Returns 0 or -1.
 */
int pf_redactor_from_env(pf_redactor *r, char **envp, char **extra,
                         size_t nextra);

/*
 * A new string: s with every byte covered by an occurrence of any secret
 * (occurrences may overlap) replaced, each maximal covered run by one
 * PF_REDACT_MASK. Returns NULL only when out of memory; s NULL gives NULL.
 */
char *pf_redact(const pf_redactor *r, const char *s);
/* Replace *s by its redacted copy. Returns 0, or -1 (then *s is freed and
 * set to NULL: an unmaskable string is never kept). */
int pf_redact_inplace(const pf_redactor *r, char **s);

/*
 * The one rule for every cut of a string that may hold a secret: mask
 * first, then cut. A new string: s masked with r (NULL: no masking), then,
 * when longer than max bytes, cut at a UTF-8 character boundary so that it
 * ends with PF_CUT_MARK and has at most max bytes. NULL only when out of
 * memory; s NULL gives NULL.
 */
char *pf_redact_cut(const pf_redactor *r, const char *s, size_t max);
/*
 * The same into a fixed buffer of dstlen bytes (always NUL-terminated, at
 * most dstlen - 1 bytes of text). When masking runs out of memory dst gets
 * a fixed text that holds nothing of src. Returns 0, or -1 then.
 */
int pf_redact_into(const pf_redactor *r, char *dst, size_t dstlen,
                   const char *src);
/*
 * Cut s in place to at most max bytes, at a UTF-8 character boundary,
 * ending with PF_CUT_MARK when there is room for it. Only for a string
 * that is already masked (or holds nothing from a check).
 */
void pf_cut_utf8(char *s, size_t max);

#endif
