/*
 * clock.c: the host's clocks and RFC 3339 formatting (see clock.h).
 */
#include "clock.h"

#include <stdio.h>
#include <time.h>

uint64_t pf_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t pf_utc_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pf_rfc3339_ms(int64_t unix_ms, char *out, size_t outlen)
{
    time_t s = (time_t)(unix_ms / 1000);
    struct tm tm;

    gmtime_r(&s, &tm);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)(unix_ms % 1000));
}
