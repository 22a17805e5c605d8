/*
 * approval.c: the approvers file, the token format and the acceptance
 * rules of signed approvals (see approval.h).
 */
#include "approval.h"

#include <stdio.h>
#include <string.h>

#include "sha256.h"

int pf_name_ok(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
              c == '-'))
            return 0;
    }
    return n >= 1 && n <= max;
}

void pf_key_id(const unsigned char key[32], char kid[17])
{
    char hex[65];

    pf_sha256_hex(key, 32, hex);
    memcpy(kid, hex, 16);
    kid[16] = '\0';
}

/* ---- approvers ------------------------------------------------------ */

/* Split a trimmed line into at most 4 space-separated words (in place).
 * Returns the count (4 means "too many"). */
static int words(char *s, char *w[4])
{
    int n = 0;

    while (*s) {
        while (*s == ' ' || *s == '\t')
            *s++ = '\0';
        if (*s == '\0')
            break;
        if (n == 4)
            return 4;
        w[n++] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
    return n;
}

static int approver_line(char *s, pf_approvers *out, int *have_require,
                         char *why, size_t whylen)
{
    char *w[4];
    int n = words(s, w);
    pf_approver *a;

    if (n >= 1 && strcmp(w[0], "require") == 0) {
        long v = 0;
        if (n != 2 || strlen(w[1]) > 2 || w[1][0] < '1' || w[1][0] > '9' ||
            (w[1][1] && (w[1][1] < '0' || w[1][1] > '9'))) {
            snprintf(why, whylen, "want \"require N\" with N from 1 to %d",
                     PF_APPROVERS_MAX);
            return -1;
        }
        if (*have_require) {
            snprintf(why, whylen, "require is set twice");
            return -1;
        }
        v = w[1][0] - '0';
        if (w[1][1])
            v = v * 10 + (w[1][1] - '0');
        *have_require = 1;
        out->require = (int)v;
        return 0;
    }
    if (n != 3 || strcmp(w[0], "ed25519") != 0) {
        snprintf(why, whylen, "want \"ed25519 <base64 key> <name>\" or "
                              "\"require N\"");
        return -1;
    }
    if (out->n >= PF_APPROVERS_MAX) {
        snprintf(why, whylen, "more than %d keys", PF_APPROVERS_MAX);
        return -1;
    }
    a = &out->a[out->n];
    if (pf_base64_decode(w[1], strlen(w[1]), 0, a->key, sizeof a->key) != 32) {
        snprintf(why, whylen, "the key is not the base64 of 32 bytes");
        return -1;
    }
    if (!pf_name_ok(w[2], PF_NAME_MAX)) {
        snprintf(why, whylen, "the name must be 1 to %d of A-Z a-z 0-9 . _ "
                              "@ -", PF_NAME_MAX);
        return -1;
    }
    for (size_t i = 0; i < out->n; i++) {
        if (memcmp(out->a[i].key, a->key, 32) == 0) {
            snprintf(why, whylen, "this key is listed twice");
            return -1;
        }
        if (strcmp(out->a[i].name, w[2]) == 0) {
            snprintf(why, whylen, "the name %s is listed twice (one key a "
                                  "person)", w[2]);
            return -1;
        }
    }
    snprintf(a->name, sizeof a->name, "%s", w[2]);
    pf_key_id(a->key, a->kid);
    out->n++;
    return 0;
}

int pf_approvers_parse(const char *text, size_t len, pf_approvers *out,
                       char *err, size_t errlen)
{
    char line[512], why[200];
    size_t at = 0, no = 0;
    int have_require = 0;

    memset(out, 0, sizeof *out);
    out->require = 1;
    if (len > PF_APPROVERS_MAX_BYTES) {
        snprintf(err, errlen, "larger than %d bytes", PF_APPROVERS_MAX_BYTES);
        goto fail;
    }
    while (at < len) {
        const char *s = text + at, *nl = memchr(s, '\n', len - at);
        size_t n = nl ? (size_t)(nl - s) : len - at, i, b = 0;

        no++;
        at += n + (nl != NULL);
        for (i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                snprintf(err, errlen, "line %zu: byte \\x%02X%s", no, c,
                         c == '\r' ? ": CR line ends are not allowed"
                                   : " is not printable ASCII");
                goto fail;
            }
        }
        while (b < n && (s[b] == ' ' || s[b] == '\t'))
            b++;
        if (b == n || s[b] == '#')
            continue;
        if (n >= sizeof line) {
            snprintf(err, errlen, "line %zu: longer than %zu bytes", no,
                     sizeof line - 1);
            goto fail;
        }
        memcpy(line, s, n);
        line[n] = '\0';
        if (approver_line(line, out, &have_require, why, sizeof why) != 0) {
            snprintf(err, errlen, "line %zu: %s", no, why);
            goto fail;
        }
    }
    if (out->n > 0 && (size_t)out->require > out->n) {
        snprintf(err, errlen, "require %d but only %zu key%s listed",
                 out->require, out->n, out->n == 1 ? "" : "s");
        goto fail;
    }
    return 0;
fail:
    memset(out, 0, sizeof *out);
    return -1;
}

/* ---- tokens --------------------------------------------------------- */

#define PREFIX "pfa1."

void pf_token_payload(const pf_token *t, pf_buf *b)
{
    pf_buf_addf(b,
                "{\"v\":1,\"pack\":\"%s\",\"cap\":\"%s\",\"host\":\"%s\","
                "\"iat\":%lld,\"exp\":%lld,\"approver\":\"%s\",\"kid\":\"%s\","
                "\"nonce\":\"%s\"}",
                t->pack, t->cap, t->host, (long long)t->iat,
                (long long)t->exp, t->approver, t->kid, t->nonce);
}

void pf_token_encode(const unsigned char *payload, size_t len,
                     const unsigned char sig[64], pf_buf *b)
{
    pf_buf_adds(b, PREFIX);
    pf_base64_encode(payload, len, 1, b);
    pf_buf_addc(b, '.');
    pf_base64_encode(sig, 64, 1, b);
}

/* Take the literal lit at *p. */
static int lit(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return -1;
    *p += n;
    return 0;
}

/* A JSON string of allowed bytes (cls: 'h' lowercase hex, 'n' name
 * characters, 'a' amount digits and '.'), min..max long, into out. */
static int str(const char **p, const char *end, char cls, size_t min,
               size_t max, char *out)
{
    size_t n = 0;

    if (lit(p, end, "\"") != 0)
        return -1;
    while (*p < end && **p != '"') {
        char c = **p;
        int ok = cls == 'h'   ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                 : cls == 'a' ? (c >= '0' && c <= '9') || c == '.'
                              : (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                    (c >= '0' && c <= '9') || c == '.' ||
                                    c == '_' || c == '@' || c == '-';
        if (!ok || n >= max)
            return -1;
        out[n++] = c;
        (*p)++;
    }
    out[n] = '\0';
    if (n < min)
        return -1;
    return lit(p, end, "\"");
}

/* A JSON integer of at most 13 digits, no sign, no leading zero. */
static int num(const char **p, const char *end, int64_t *out)
{
    int64_t v = 0;
    size_t n = 0;

    while (*p < end && **p >= '0' && **p <= '9') {
        if (n == 13 || (n == 1 && v == 0))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n == 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_payload(const char *s, size_t n, pf_token *t)
{
    const char *p = s, *end = s + n;

    if (lit(&p, end, "{\"v\":1,\"pack\":") || str(&p, end, 'h', 64, 64, t->pack) ||
        lit(&p, end, ",\"cap\":") || str(&p, end, 'a', 4, 20, t->cap) ||
        lit(&p, end, ",\"host\":") ||
        str(&p, end, 'n', 1, PF_HOST_ID_MAX, t->host) ||
        lit(&p, end, ",\"iat\":") || num(&p, end, &t->iat) ||
        lit(&p, end, ",\"exp\":") || num(&p, end, &t->exp) ||
        lit(&p, end, ",\"approver\":") ||
        str(&p, end, 'n', 1, PF_NAME_MAX, t->approver) ||
        lit(&p, end, ",\"kid\":") || str(&p, end, 'h', 16, 16, t->kid) ||
        lit(&p, end, ",\"nonce\":") || str(&p, end, 'h', 32, 32, t->nonce) ||
        lit(&p, end, "}") || p != end)
        return -1;
    /* the cap as approve writes it: digits, a point, two digits */
    {
        size_t cl = strlen(t->cap);
        if (cl < 4 || t->cap[cl - 3] != '.' ||
            strspn(t->cap, "0123456789") != cl - 3 ||
            strspn(t->cap + cl - 2, "0123456789") != 2)
            return -1;
    }
    return 0;
}

int pf_token_decode(const char *line, size_t len, pf_token *t)
{
    const char *body, *dot;
    long n;

    memset(t, 0, sizeof *t);
    if (len > PF_TOKEN_MAX || len < sizeof PREFIX ||
        memcmp(line, PREFIX, sizeof PREFIX - 1) != 0)
        return -1;
    body = line + sizeof PREFIX - 1;
    dot = memchr(body, '.', len - (size_t)(body - line));
    if (dot == NULL)
        return -1;
    n = pf_base64_decode(body, (size_t)(dot - body), 1, t->payload,
                   sizeof t->payload);
    if (n <= 0)
        return -1;
    t->payload_len = (size_t)n;
    if (pf_base64_decode(dot + 1, len - (size_t)(dot + 1 - line), 1, t->sig,
                   sizeof t->sig) != 64)
        return -1;
    if (parse_payload((const char *)t->payload, t->payload_len, t) != 0) {
        memset(t, 0, sizeof *t);
        return -1;
    }
    return 0;
}

/* ---- the rules ------------------------------------------------------ */

/* Why one token is refused, or NULL when it is accepted. */
static const char *judge(const pf_approval_input *in, const pf_token *t,
                         const pf_approval_result *out)
{
    const pf_approver *a = NULL;

    for (size_t i = 0; i < in->approvers->n; i++)
        if (strcmp(in->approvers->a[i].kid, t->kid) == 0)
            a = &in->approvers->a[i];
    if (a == NULL || strcmp(a->name, t->approver) != 0)
        return "unlisted-key";
    if (in->verify == NULL ||
        in->verify(a->key, t->payload, t->payload_len, t->sig) != 1)
        return "signature";
    /* from here on the payload is the approver's own word */
    if (strcmp(t->pack, in->pack) != 0)
        return "pack";
    if (strcmp(t->cap, in->cap) != 0)
        return "cap";
    if (strcmp(t->host, in->host) != 0)
        return "host";
    if (t->exp <= t->iat || t->exp - t->iat > PF_APPROVAL_MAX_TTL_S)
        return "ttl";
    if (t->iat > in->now_s + PF_APPROVAL_MAX_FUTURE_S)
        return "future";
    if (in->now_s >= t->exp)
        return "expired";
    if (in->seen != NULL && in->seen(in->seen_ud, t->nonce))
        return "replayed";
    for (size_t i = 0; i < out->naccepted; i++) {
        if (strcmp(out->accepted[i].nonce, t->nonce) == 0)
            return "replayed";
        if (strcmp(out->accepted[i].kid, t->kid) == 0)
            return "duplicate-key";
    }
    return NULL;
}

void pf_approval_check(const pf_approval_input *in, pf_approval_result *out)
{
    size_t at = 0, no = 0;

    memset(out, 0, sizeof *out);
    while (at < in->tokens_len) {
        const char *s = in->tokens + at;
        const char *nl = memchr(s, '\n', in->tokens_len - at);
        size_t n = nl ? (size_t)(nl - s) : in->tokens_len - at;
        const char *why;
        pf_token t;

        no++;
        at += n + (nl != NULL);
        if (n == 0)
            continue;
        if (out->naccepted + out->nrejected >= PF_TOKENS_MAX)
            break; /* more lines than any pack needs: the rest not read */
        why = pf_token_decode(s, n, &t) != 0 ? "malformed" : judge(in, &t, out);
        if (why != NULL) {
            out->rejected[out->nrejected].line = no;
            out->rejected[out->nrejected++].why = why;
            continue;
        }
        {
            pf_accepted *a = &out->accepted[out->naccepted++];
            snprintf(a->approver, sizeof a->approver, "%s", t.approver);
            memcpy(a->kid, t.kid, sizeof a->kid);
            memcpy(a->nonce, t.nonce, sizeof a->nonce);
            a->issued_at = t.iat;
        }
    }
    out->enough = in->approvers->n > 0 && in->approvers->require >= 1 &&
                  out->naccepted >= (size_t)in->approvers->require;
}

int pf_sig_decode(const char *s, size_t n, unsigned char sig[64])
{
    if (n > 0 && s[n - 1] == '\n')
        n--;
    return pf_base64_decode(s, n, 0, sig, 64) == 64 ? 0 : -1;
}
