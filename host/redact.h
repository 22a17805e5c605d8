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

typedef struct pf_redactor {
    char **values; /* distinct non-empty secret values */
    size_t n;
} pf_redactor;

void pf_redactor_init(pf_redactor *r);
void pf_redactor_free(pf_redactor *r); /* accepts NULL */
/* Add one secret value; empty values are ignored. Returns 0 or -1 (oom). */
int pf_redactor_add(pf_redactor *r, const char *value);
/* 1 when an environment variable of this name is secret by its name. */
int pf_secret_name(const char *name);
/*
 * Add the values of every secret variable in envp (NAME=VALUE strings),
 * plus those named in extra[0..nextra). Returns 0 or -1.
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

#endif
