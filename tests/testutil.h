/*
 * testutil.h: helpers more than one cmocka test needs, as static inline
 * functions (include it after cmocka.h): the JSON number grammar, the
 * well-formed UTF-8 oracle, and running a chunk of Lua in a fresh sandbox.
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

/*
 * Length of the well-formed UTF-8 sequence at s (n bytes available) per
 * Unicode Table 3-7, or 0. Written from the table, not from buf.c.
 */
static inline size_t wf_utf8(const unsigned char *s, size_t n)
{
    static const struct {
        unsigned char lo0, hi0, lo1, hi1;
        size_t len;
    } t[] = {
        {0x00, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2},
        {0xE0, 0xE0, 0xA0, 0xBF, 3}, {0xE1, 0xEC, 0x80, 0xBF, 3},
        {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
        {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4},
        {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    size_t r, i;

    for (r = 0; r < sizeof t / sizeof t[0]; r++) {
        if (s[0] < t[r].lo0 || s[0] > t[r].hi0)
            continue;
        if (t[r].len > n)
            return 0;
        if (t[r].len == 1)
            return 1;
        if (s[1] < t[r].lo1 || s[1] > t[r].hi1)
            return 0;
        for (i = 2; i < t[r].len; i++) {
            if (s[i] < 0x80 || s[i] > 0xBF)
                return 0;
        }
        return t[r].len;
    }
    return 0;
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
