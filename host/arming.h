/*
 * arming.h: the LIVE arming gate, pure C over plain structs.
 *
 * No Lua, no I/O, no clock: the caller passes the environment values, the
 * current time and the kill-switch state, and gets back a state and the
 * full list of reasons for a refusal. The binary always passes the real
 * UTC clock; tests pin it.
 */
#ifndef PF_ARMING_H
#define PF_ARMING_H

#include <stddef.h>
#include <stdint.h>

#define PF_ARM_ACK_PHRASE "I_UNDERSTAND_LIVE_RISK"
#define PF_ARM_MAX_AGE_MS (600 * 1000LL)       /* LIVE_ARM_AT not older */
#define PF_ARM_MAX_FUTURE_MS (30 * 1000LL)     /* nor further ahead */
#define PF_NOTIONAL_DEFAULT_CEILING_CENTS (1000 * 100LL)
#define PF_NOTIONAL_HARD_MAX_CENTS (100000 * 100LL)
#define PF_ARM_MAX_REASONS 16
#define PF_ARM_REASON_LEN 512

typedef enum { PF_MODE_PAPER, PF_MODE_LIVE, PF_MODE_INVALID } pf_mode;

typedef enum {
    PF_ARM_NOT_REQUIRED, /* paper mode: nothing to arm */
    PF_ARM_ARMED,
    PF_ARM_REFUSED
} pf_arm_state;

/* ARBITRAGE_ENV: NULL (unset) or "paper" is paper, "live" is live, anything
 * else (including "" and "LIVE") is PF_MODE_INVALID. */
pf_mode pf_mode_parse(const char *value);
const char *pf_mode_name(pf_mode m); /* "paper", "live", "invalid" */

/* LIVE_ARM_AT: RFC 3339 UTC ("Z" or "+00:00", optional fraction) or integer
 * Unix seconds. Returns 0 and the time in Unix milliseconds (fraction
 * truncated to ms), or -1 for anything else. */
int pf_parse_arm_at(const char *s, int64_t *unix_ms);

/* A plain positive decimal amount with at most two fraction digits, as
 * integer cents. Returns 0, or -1 for anything else (sign, exponent, hex,
 * spaces, separators, overflow, empty, ...). Zero parses (returns 0, *cents
 * = 0): being positive is the gate's rule, not the parser's. */
int pf_parse_usd_cents(const char *s, int64_t *cents);

typedef struct pf_arming_input {
    const char *arbitrage_env;   /* NULL when unset */
    const char *ack;             /* LIVE_ARM_ACK, NULL when unset */
    const char *arm_at;          /* LIVE_ARM_AT, NULL when unset */
    const char *max_notional;    /* LIVE_MAX_NOTIONAL_USD, NULL when unset */
    int64_t now_ms;              /* current UTC time, Unix milliseconds */
    int64_t ceiling_cents;       /* already validated by the caller */
    int kill_switch_engaged;
    const char *kill_reason;     /* recorded reason, may be NULL */
} pf_arming_input;

typedef struct pf_arming_result {
    pf_arm_state state;
    pf_mode mode;
    size_t nreasons;
    char reasons[PF_ARM_MAX_REASONS][PF_ARM_REASON_LEN];
    int has_arm_at;              /* LIVE_ARM_AT parsed */
    int64_t arm_at_ms;
    int64_t arm_age_ms;          /* now - arm_at, negative when ahead */
    int has_notional;            /* LIVE_MAX_NOTIONAL_USD parsed */
    int64_t notional_cents;
    int64_t ceiling_cents;
} pf_arming_result;

/* Evaluate the gate. In paper mode the state is PF_ARM_NOT_REQUIRED and no
 * reasons are listed; an invalid mode is refused. In live mode every
 * failing condition adds one reason and the state is PF_ARM_REFUSED if any
 * does, else PF_ARM_ARMED. */
void pf_arming_evaluate(const pf_arming_input *in, pf_arming_result *out);

/* The refusal that an engaged kill switch gives, quoting its recorded
 * reason (NULL or empty: none recorded) made printable and cut. */
void pf_kill_switch_reason(const char *recorded, char *out, size_t outlen);

/* --notional-ceiling-usd: parses like an amount, must be > 0 and not above
 * PF_NOTIONAL_HARD_MAX_CENTS. Returns 0 or -1. */
int pf_parse_ceiling(const char *s, int64_t *cents);

#endif
