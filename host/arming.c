/*
 * arming.c: the LIVE arming gate and the parsers it relies on.
 *
 * Pure decisions over plain values: the mode from ARBITRAGE_ENV, the arm
 * time from LIVE_ARM_AT, the notional cap from LIVE_MAX_NOTIONAL_USD, the
 * ceiling from --notional-ceiling-usd, and the verdict of the gate with
 * every reason for a refusal. No Lua, no I/O, no clock, no floating point:
 * times are integer Unix milliseconds and amounts integer cents, so the
 * boundaries (600 s old, 30 s ahead, notional equal to the ceiling) are
 * exact. Every reason is printable ASCII and shorter than PF_ARM_REASON_LEN.
 */
#include "arming.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Most bytes of a user-supplied value shown inside a reason; longer values
 * are cut at a whole escape and followed by "...". Keeps every reason well
 * under PF_ARM_REASON_LEN by construction. */
#define SHOW_MAX 64
/* the kill switch's record: reason, file, who and when */
#define KILL_SHOW_MAX 400

/* Unix seconds accepted in LIVE_ARM_AT: at most 12 digits (leading zeros
 * included) and not after 9999-12-31T23:59:59Z, the last second the RFC 3339
 * form can express. */
#define UNIX_DIGITS_MAX 12
#define UNIX_SECONDS_MAX 253402300799LL

#define MS_PER_SECOND 1000LL
#define MS_PER_DAY (86400LL * MS_PER_SECOND)

pf_mode pf_mode_parse(const char *value)
{
    if (value == NULL || strcmp(value, "paper") == 0)
        return PF_MODE_PAPER;
    if (strcmp(value, "live") == 0)
        return PF_MODE_LIVE;
    return PF_MODE_INVALID;
}

const char *pf_mode_name(pf_mode m)
{
    switch (m) {
    case PF_MODE_PAPER:
        return "paper";
    case PF_MODE_LIVE:
        return "live";
    default:
        return "invalid";
    }
}

/* ---- time ---------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9'; /* ASCII only, unlike a locale isdigit */
}

/* Reads exactly n ASCII digits at s into *v. Returns 0, or -1 if any of the
 * n bytes is not a digit (a NUL stops it, so it never reads past the end). */
static int read_digits(const char *s, int n, int *v)
{
    int acc = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        acc = acc * 10 + (s[i] - '0');
    }
    *v = acc;
    return 0;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : days[m - 1];
}

/* Leap years in [1, y] of the proleptic Gregorian calendar. */
static int64_t leaps_through(int64_t y)
{
    return y / 4 - y / 100 + y / 400;
}

/* Days from 1970-01-01 to the given civil date, for a date already known
 * to be valid and not before 1970. */
static int64_t days_from_civil(int y, int m, int d)
{
    static const int before[12] = {0,   31,  59,  90,  120, 151,
                                   181, 212, 243, 273, 304, 334};
    int64_t days = 365LL * (y - 1970) + leaps_through(y - 1) -
                   leaps_through(1969);
    days += before[m - 1];
    if (m > 2 && is_leap(y))
        days += 1;
    return days + (d - 1);
}

/* Integer Unix seconds: 1..UNIX_DIGITS_MAX ASCII digits and nothing else.
 * Returns 0 with milliseconds in *unix_ms, or -1. */
static int parse_unix_seconds(const char *s, int64_t *unix_ms)
{
    int64_t v = 0;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        if (!is_digit(s[n]) || n >= UNIX_DIGITS_MAX)
            return -1;
        v = v * 10 + (s[n] - '0'); /* at most 12 digits: no overflow */
    }
    if (n == 0 || v > UNIX_SECONDS_MAX)
        return -1;
    *unix_ms = v * MS_PER_SECOND;
    return 0;
}

/* RFC 3339 in UTC: YYYY-MM-DDTHH:MM:SS[.1-9 digits] then "Z" or "+00:00",
 * uppercase T and Z only, years 1970..9999, no leap second. Returns 0 with
 * milliseconds in *unix_ms (fraction truncated), or -1. */
static int parse_rfc3339(const char *s, int64_t *unix_ms)
{
    int y, mo, d, h, mi, sec, ms = 0;
    const char *p;

    if (read_digits(s, 4, &y) || s[4] != '-' || read_digits(s + 5, 2, &mo) ||
        s[7] != '-' || read_digits(s + 8, 2, &d) || s[10] != 'T' ||
        read_digits(s + 11, 2, &h) || s[13] != ':' ||
        read_digits(s + 14, 2, &mi) || s[16] != ':' ||
        read_digits(s + 17, 2, &sec))
        return -1;
    p = s + 19;
    if (*p == '.') {
        int n = 0;
        for (p++; is_digit(*p); p++, n++) {
            if (n >= 9)
                return -1;
            if (n < 3)
                ms = ms * 10 + (*p - '0');
        }
        if (n == 0)
            return -1;
        for (; n < 3; n++)
            ms *= 10;
    }
    if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || sec > 59)
        return -1;
    *unix_ms = days_from_civil(y, mo, d) * MS_PER_DAY +
               ((int64_t)h * 3600 + mi * 60 + sec) * MS_PER_SECOND + ms;
    return 0;
}

/* LIVE_ARM_AT: all digits is Unix seconds, anything else must be RFC 3339.
 * *unix_ms is written only on success. */
int pf_parse_arm_at(const char *s, int64_t *unix_ms)
{
    const char *p;

    if (s == NULL || unix_ms == NULL || *s == '\0')
        return -1;
    for (p = s; is_digit(*p); p++)
        ;
    if (*p == '\0')
        return parse_unix_seconds(s, unix_ms);
    return parse_rfc3339(s, unix_ms);
}

/* ---- amounts ------------------------------------------------------- */

/* ^[0-9]+(\.[0-9]{1,2})?$ as int64 cents, refusing overflow before it
 * happens. *cents is written only on success. */
int pf_parse_usd_cents(const char *s, int64_t *cents)
{
    int64_t whole = 0, frac = 0;
    const char *p = s;

    if (s == NULL || cents == NULL || !is_digit(*p))
        return -1;
    for (; is_digit(*p); p++) {
        int dgt = *p - '0';
        if (whole > (INT64_MAX - dgt) / 10)
            return -1;
        whole = whole * 10 + dgt;
    }
    if (*p == '.') {
        p++;
        if (!is_digit(p[0]))
            return -1;
        frac = (p[0] - '0') * 10;
        p++;
        if (is_digit(p[0])) {
            frac += p[0] - '0';
            p++;
        }
    }
    if (*p != '\0')
        return -1;
    if (whole > (INT64_MAX - frac) / 100)
        return -1;
    *cents = whole * 100 + frac;
    return 0;
}

/* An amount that is > 0 and not above the compiled hard maximum.
 * *cents is written only on success. */
int pf_parse_ceiling(const char *s, int64_t *cents)
{
    int64_t v;

    if (pf_parse_usd_cents(s, &v) != 0 || v <= 0 ||
        v > PF_NOTIONAL_HARD_MAX_CENTS)
        return -1;
    *cents = v;
    return 0;
}

/* ---- reasons ------------------------------------------------------- */

/* Writes s into dst (cap bytes, at least 4) as printable ASCII: quote and
 * backslash are escaped, tab, CR and LF as \t \r \n, every other byte
 * outside 0x20..0x7e as \xNN. At most min(max, cap - 4) bytes of
 * escaped text are kept, never cutting an escape in half; a longer value
 * ends in "...". */
static void show_max(char *dst, size_t cap, const char *s, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    size_t limit = cap - 4 < max ? cap - 4 : max;
    size_t n = 0;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[4];
        size_t k = 0;

        if (c == '"' || c == '\\') {
            esc[k++] = '\\';
            esc[k++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[k++] = '\\';
            esc[k++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c > 0x7e) {
            esc[k++] = '\\';
            esc[k++] = 'x';
            esc[k++] = hex[c >> 4];
            esc[k++] = hex[c & 0xf];
        } else {
            esc[k++] = (char)c;
        }
        if (n + k > limit) {
            memcpy(dst + n, "...", 3);
            n += 3;
            break;
        }
        memcpy(dst + n, esc, k);
        n += k;
    }
    dst[n] = '\0';
}

static void show(char *dst, size_t cap, const char *s)
{
    show_max(dst, cap, s, SHOW_MAX);
}

/* Appends one formatted reason to out and marks the result refused. A
 * reason that would not fit is cut and ends in "..."; reasons beyond
 * PF_ARM_MAX_REASONS are dropped (the gate produces at most five). */
static void add_reason(pf_arming_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_reason(pf_arming_result *out, const char *fmt, ...)
{
    va_list ap;
    char *r;
    int n;

    out->state = PF_ARM_REFUSED;
    if (out->nreasons >= PF_ARM_MAX_REASONS)
        return;
    r = out->reasons[out->nreasons++];
    va_start(ap, fmt);
    n = vsnprintf(r, PF_ARM_REASON_LEN, fmt, ap);
    va_end(ap);
    if (n < 0) {
        snprintf(r, PF_ARM_REASON_LEN, "arming gate: reason unavailable");
    } else if ((size_t)n >= PF_ARM_REASON_LEN) {
        memcpy(r + PF_ARM_REASON_LEN - 4, "...", 4);
    }
}

/* "X.YY" for a non-negative amount in cents. */
static void format_usd(char *dst, size_t cap, int64_t cents)
{
    snprintf(dst, cap, "%" PRId64 ".%02d", cents / 100, (int)(cents % 100));
}

/* "S.mmm" for the magnitude of a duration in milliseconds; safe for
 * INT64_MIN. */
static void format_secs(char *dst, size_t cap, int64_t ms)
{
    uint64_t mag = ms < 0 ? (uint64_t)(-(ms + 1)) + 1 : (uint64_t)ms;
    snprintf(dst, cap, "%" PRIu64 ".%03u", mag / 1000, (unsigned)(mag % 1000));
}

/* now - then, saturated to the int64 range instead of overflowing. */
static int64_t sat_sub(int64_t now, int64_t then)
{
    if (then > 0 && now < INT64_MIN + then)
        return INT64_MIN;
    if (then < 0 && now > INT64_MAX + then)
        return INT64_MAX;
    return now - then;
}

/* ---- the gate ------------------------------------------------------ */

static void check_ack(const pf_arming_input *in, pf_arming_result *out)
{
    char v[SHOW_MAX + 4];

    if (in->ack == NULL) {
        add_reason(out, "LIVE_ARM_ACK is not set (it must be exactly \"%s\")",
                   PF_ARM_ACK_PHRASE);
    } else if (strcmp(in->ack, PF_ARM_ACK_PHRASE) != 0) {
        show(v, sizeof v, in->ack);
        add_reason(out,
                   "LIVE_ARM_ACK=\"%s\" is not the acknowledgement (it must "
                   "be exactly \"%s\")",
                   v, PF_ARM_ACK_PHRASE);
    }
}

static void check_arm_at(const pf_arming_input *in, pf_arming_result *out)
{
    char v[SHOW_MAX + 4], age[32];

    if (in->arm_at == NULL) {
        add_reason(out, "LIVE_ARM_AT is not set (set it to the current UTC "
                        "time, RFC 3339 such as 2026-11-27T02:38:00Z, or "
                        "Unix seconds)");
        return;
    }
    if (!out->has_arm_at) {
        show(v, sizeof v, in->arm_at);
        add_reason(out,
                   "LIVE_ARM_AT=\"%s\" is not a UTC time (use RFC 3339 "
                   "YYYY-MM-DDTHH:MM:SSZ or +00:00, or integer Unix seconds)",
                   v);
        return;
    }
    format_secs(age, sizeof age, out->arm_age_ms);
    if (out->arm_age_ms > PF_ARM_MAX_AGE_MS) {
        add_reason(out,
                   "LIVE_ARM_AT is %s s old (limit %lld s); re-arm by "
                   "setting it to the current UTC time",
                   age, PF_ARM_MAX_AGE_MS / MS_PER_SECOND);
    } else if (out->arm_age_ms < -PF_ARM_MAX_FUTURE_MS) {
        add_reason(out,
                   "LIVE_ARM_AT is %s s in the future (limit %lld s); "
                   "check the value and the clock",
                   age, PF_ARM_MAX_FUTURE_MS / MS_PER_SECOND);
    }
}

static void check_notional(const pf_arming_input *in, pf_arming_result *out)
{
    char v[SHOW_MAX + 4], amt[32], ceil_s[32], hard[32];
    int ceiling_ok = in->ceiling_cents > 0 &&
                     in->ceiling_cents <= PF_NOTIONAL_HARD_MAX_CENTS;

    format_usd(hard, sizeof hard, PF_NOTIONAL_HARD_MAX_CENTS);
    if (ceiling_ok)
        format_usd(ceil_s, sizeof ceil_s, in->ceiling_cents);
    else
        snprintf(ceil_s, sizeof ceil_s, "%s", hard);

    /* The caller validates the ceiling; a bad one still fails closed. */
    if (!ceiling_ok)
        add_reason(out,
                   "notional ceiling of %" PRId64 " cents is outside "
                   "0.01..%s USD (internal error)",
                   in->ceiling_cents, hard);

    if (in->max_notional == NULL) {
        add_reason(out,
                   "LIVE_MAX_NOTIONAL_USD is not set (a plain USD amount "
                   "such as 250 or 250.50, above 0 and at most the ceiling "
                   "%s USD)",
                   ceil_s);
    } else if (!out->has_notional) {
        show(v, sizeof v, in->max_notional);
        add_reason(out,
                   "LIVE_MAX_NOTIONAL_USD=\"%s\" is not a plain USD amount "
                   "(digits, optionally . and 1 or 2 digits; no sign, "
                   "exponent, spaces or separators)",
                   v);
    } else if (out->notional_cents == 0) {
        add_reason(out, "LIVE_MAX_NOTIONAL_USD is 0.00 USD; it must be above "
                        "zero");
    } else if (ceiling_ok && out->notional_cents > in->ceiling_cents) {
        format_usd(amt, sizeof amt, out->notional_cents);
        add_reason(out,
                   "LIVE_MAX_NOTIONAL_USD %s USD is above the notional "
                   "ceiling %s USD",
                   amt, ceil_s);
    }
}

void pf_kill_switch_reason(const char *recorded, char *out, size_t outlen)
{
    char v[KILL_SHOW_MAX + 4];

    if (recorded != NULL && recorded[0] != '\0') {
        show_max(v, sizeof v, recorded, KILL_SHOW_MAX);
        snprintf(out, outlen,
                 "kill switch is engaged: \"%s\" (remove the kill-switch "
                 "file by hand to clear it)",
                 v);
    } else {
        snprintf(out, outlen, "kill switch is engaged (no reason recorded; "
                              "remove the kill-switch file by hand to clear "
                              "it)");
    }
}

static void check_kill_switch(const pf_arming_input *in,
                              pf_arming_result *out)
{
    char r[PF_ARM_REASON_LEN];

    if (!in->kill_switch_engaged)
        return;
    pf_kill_switch_reason(in->kill_reason, r, sizeof r);
    add_reason(out, "%s", r);
}

/*
 * Fills *out from *in. The parsed values (has_arm_at, arm_at_ms,
 * arm_age_ms, has_notional, notional_cents) are filled in every mode when
 * they parse. Paper: PF_ARM_NOT_REQUIRED, no reasons. Invalid mode: refused
 * with the one reason naming the accepted values (the live conditions are
 * not listed: it is unknown which mode was meant). Live: every failing
 * condition adds its reason; ARMED only when none does.
 */
void pf_arming_evaluate(const pf_arming_input *in, pf_arming_result *out)
{
    int64_t t;
    char v[SHOW_MAX + 4];

    memset(out, 0, sizeof *out);
    out->mode = pf_mode_parse(in->arbitrage_env);
    out->ceiling_cents = in->ceiling_cents;
    if (pf_parse_arm_at(in->arm_at, &t) == 0) {
        out->has_arm_at = 1;
        out->arm_at_ms = t;
        out->arm_age_ms = sat_sub(in->now_ms, t);
    }
    if (pf_parse_usd_cents(in->max_notional, &t) == 0) {
        out->has_notional = 1;
        out->notional_cents = t;
    }

    switch (out->mode) {
    case PF_MODE_PAPER:
        out->state = PF_ARM_NOT_REQUIRED;
        return;
    case PF_MODE_INVALID:
        show(v, sizeof v, in->arbitrage_env);
        add_reason(out,
                   "ARBITRAGE_ENV=\"%s\" is not a valid mode (use \"paper\" "
                   "or \"live\")",
                   v);
        return;
    case PF_MODE_LIVE:
        break;
    }

    out->state = PF_ARM_ARMED;
    check_ack(in, out);
    check_arm_at(in, out);
    check_notional(in, out);
    check_kill_switch(in, out);
}
