/*
 * testutil.h: helpers more than one cmocka test needs, as static inline
 * functions (include it after cmocka.h): the JSON number grammar, and
 * running a chunk of Lua in a fresh sandbox.
 */
#ifndef PF_TESTUTIL_H
#define PF_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "sandbox.h"

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline int json_number_ok(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* A sandbox configuration for unit tests: root "/", paper mode, the given
 * HTTP mode, 64 MiB and 10^8 instructions. */
static inline pf_sandbox_conf test_conf(const char *http_mode)
{
    pf_sandbox_conf conf;

    memset(&conf, 0, sizeof conf);
    conf.root = "/";
    conf.mode = "paper";
    conf.http_mode = http_mode;
    conf.memory_bytes = 64u << 20;
    conf.instr_budget = 100000000u;
    return conf;
}

/*
 * Run code (a chunk that returns one string) in a fresh sandbox on conf
 * with budget_ms left; copy the string ("(nil)" for none), or the error
 * text prefixed "error: ", to out (outlen bytes). Returns out.
 */
static inline const char *run_lua(const pf_sandbox_conf *conf, const char *code,
                                  long budget_ms, char *out, size_t outlen)
{
    pf_sandbox sb;
    char ebuf[160];

    assert_int_equal(
        pf_sandbox_open(&sb, conf,
                        pf_now_ns() + (uint64_t)budget_ms * 1000000u),
        0);
    assert_int_equal(luaL_loadstring(sb.L, code), LUA_OK);
    if (pf_sandbox_pcall(sb.L, 0) != LUA_OK)
        snprintf(out, outlen, "error: %s",
                 pf_sandbox_errtext(sb.L, ebuf, sizeof ebuf));
    else
        snprintf(out, outlen, "%s",
                 lua_tostring(sb.L, -1) ? lua_tostring(sb.L, -1) : "(nil)");
    pf_sandbox_close(&sb);
    return out;
}

#endif
