/*
 * clock.h: the host's clocks and its one time format. Every C file that
 * measures a duration, stamps a document or prints a time uses these.
 * (preflight.clock, the Lua family, is lib_clock.c.)
 */
#ifndef PF_CLOCK_H
#define PF_CLOCK_H

#include <stddef.h>
#include <stdint.h>

uint64_t pf_now_ns(void);   /* CLOCK_MONOTONIC in ns: durations, deadlines */
int64_t pf_utc_now_ms(void); /* CLOCK_REALTIME, Unix milliseconds */

/* unix_ms as RFC 3339 UTC with milliseconds ("2026-11-27T02:38:00.000Z")
 * into out (outlen >= 25 for the whole text; always NUL-terminated). */
void pf_rfc3339_ms(int64_t unix_ms, char *out, size_t outlen);

#endif
