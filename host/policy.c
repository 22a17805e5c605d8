/*
 * policy.c: the policy file's parser and defaults (see policy.h).
 */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "arming.h"
#include "killswitch.h"

/* A whole decimal number in lo..hi, no sign, no leading zero but "0".
 * Returns 0 or -1. */
static int whole(const char *s, long lo, long hi, long *out)
{
    long v = 0;

    if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > hi)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* One "key = value" line (NUL-terminated, trimmed, not blank, not a
 * comment). Returns 0, or -1 with why set. */
static int one(char *s, pf_policy *p, char *why, size_t whylen)
{
    char *eq = strchr(s, '='), *k = s, *v, *end;
    size_t vlen;

    if (eq == NULL) {
        snprintf(why, whylen, "want \"key = value\"");
        return -1;
    }
    for (end = eq; end > k && (end[-1] == ' ' || end[-1] == '\t'); end--)
        ;
    *end = '\0';
    for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
        ;
    vlen = strlen(v);
    if (vlen == 0) {
        snprintf(why, whylen, "%.40s has no value", k);
        return -1;
    }
#define SEEN(cond)                                                             \
    do {                                                                       \
        if (cond) {                                                            \
            snprintf(why, whylen, "%.40s is set twice", k);                     \
            return -1;                                                         \
        }                                                                      \
    } while (0)
    if (strcmp(k, "kill_switch") == 0 || strcmp(k, "audit") == 0) {
        char *dst = k[0] == 'k' ? p->kill_switch : p->audit;
        SEEN(dst[0] != '\0');
        if (vlen >= PF_POLICY_MAX_PATH) {
            snprintf(why, whylen, "%.40s is longer than %d bytes", k,
                     PF_POLICY_MAX_PATH - 1);
            return -1;
        }
        memcpy(dst, v, vlen + 1);
    } else if (strcmp(k, "notional_ceiling_usd") == 0) {
        SEEN(p->ceiling_cents != 0);
        if (pf_parse_ceiling(v, &p->ceiling_cents) != 0) {
            p->ceiling_cents = 0;
            snprintf(why, whylen, "notional_ceiling_usd must be a plain "
                                  "amount above 0 and at most 100000");
            return -1;
        }
    } else if (strcmp(k, "guard_interval_s") == 0) {
        SEEN(p->guard_interval_s != 0);
        if (whole(v, 1, 300, &p->guard_interval_s) != 0) {
            snprintf(why, whylen, "guard_interval_s must be a whole number "
                                  "from 1 to 300");
            return -1;
        }
    } else if (strcmp(k, "stop_grace_ms") == 0) {
        SEEN(p->stop_grace_ms != 0);
        if (whole(v, 100, 60000, &p->stop_grace_ms) != 0) {
            snprintf(why, whylen, "stop_grace_ms must be a whole number from "
                                  "100 to 60000");
            return -1;
        }
    } else {
        snprintf(why, whylen, "unknown key (known: kill_switch, audit, "
                              "notional_ceiling_usd, guard_interval_s, "
                              "stop_grace_ms)");
        return -1;
    }
#undef SEEN
    return 0;
}

int pf_policy_parse(const char *text, size_t len, pf_policy *out, char *err,
                    size_t errlen)
{
    char line[PF_POLICY_MAX_PATH + 64], why[200];
    size_t at = 0, no = 0;

    memset(out, 0, sizeof *out);
    if (len > PF_POLICY_MAX_BYTES) {
        snprintf(err, errlen, "larger than %d bytes", PF_POLICY_MAX_BYTES);
        return -1;
    }
    while (at < len) {
        const char *s = text + at, *nl = memchr(s, '\n', len - at);
        size_t n = nl ? (size_t)(nl - s) : len - at, i, b = 0, e = n;

        no++;
        at += n + (nl != NULL);
        for (i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                snprintf(err, errlen, "line %zu: a control byte (\\x%02X)%s",
                         no, c, c == '\r' ? ": CR line ends are not allowed"
                                           : "");
                goto fail;
            }
        }
        while (b < e && (s[b] == ' ' || s[b] == '\t'))
            b++;
        while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
            e--;
        if (b == e || s[b] == '#')
            continue;
        if (e - b >= sizeof line) {
            snprintf(err, errlen, "line %zu: longer than %zu bytes", no,
                     sizeof line - 1);
            goto fail;
        }
        memcpy(line, s + b, e - b);
        line[e - b] = '\0';
        if (one(line, out, why, sizeof why) != 0) {
            snprintf(err, errlen, "line %zu: %s", no, why);
            goto fail;
        }
    }
    return 0;
fail:
    memset(out, 0, sizeof *out);
    return -1;
}

void pf_policy_defaults(pf_policy *p)
{
    if (p->kill_switch[0] == '\0')
        snprintf(p->kill_switch, sizeof p->kill_switch, "%s",
                 PF_KILL_SWITCH_DEFAULT);
    if (p->audit[0] == '\0')
        snprintf(p->audit, sizeof p->audit, "%s", PF_AUDIT_DEFAULT);
    if (p->ceiling_cents == 0)
        p->ceiling_cents = PF_NOTIONAL_DEFAULT_CEILING_CENTS;
    if (p->guard_interval_s == 0)
        p->guard_interval_s = PF_GUARD_INTERVAL_DEFAULT_S;
    if (p->stop_grace_ms == 0)
        p->stop_grace_ms = PF_STOP_GRACE_DEFAULT_MS;
}
