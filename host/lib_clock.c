/*
 * lib_clock.c: preflight.clock, the real UTC clock and a monotonic one.
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <lauxlib.h>

#include "sandbox.h"

static int clock_now(lua_State *L)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

/* iso8601(t): RFC 3339 UTC text; milliseconds shown when t has them. */
static int clock_iso8601(lua_State *L)
{
    lua_Number t = luaL_checknumber(L, 1);
    time_t secs;
    struct tm tm;
    char out[96];
    long ms;

    luaL_argcheck(L, isfinite(t) && t >= 0 && t < 253402300800.0, 1,
                  "time out of range");
    secs = (time_t)floor(t);
    ms = (long)floor((t - floor(t)) * 1000.0 + 0.5);
    if (ms >= 1000) {
        secs++;
        ms = 0;
    }
    gmtime_r(&secs, &tm);
    if (ms)
        snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, ms);
    else
        snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
    lua_pushstring(L, out);
    return 1;
}

static int clock_monotonic_ms(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)pf_now_ns() / 1e6);
    return 1;
}

static const luaL_Reg clock_funcs[] = {
    {"iso8601", clock_iso8601},
    {"monotonic_ms", clock_monotonic_ms},
    {"now", clock_now},
    {NULL, NULL}};

int pf_open_clock(lua_State *L)
{
    luaL_newlib(L, clock_funcs);
    return 1;
}
