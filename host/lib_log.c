/*
 * lib_log.c: preflight.log(message), the check's own notes for the
 * person reading the report (DESIGN 6; `print` stays absent).
 *
 * A message is kept in C memory, outside the Lua memory cap but bounded:
 * masked with the run's secrets first, then cut to PF_MAX_LOG_MESSAGE
 * bytes (ending with PF_CUT_MARK); at most PF_MAX_LOG_MESSAGES messages
 * and PF_MAX_LOG_BYTES in all per check. A message over those caps is
 * counted, not kept, and so is every later one (the log is full: it stays
 * in order, and a flood is not masked message by message); never an
 * error: logging cannot make a check fail or crash. pf_log_take moves the messages into the check's result, with
 * a last entry saying how many were not kept; the parent masks them again
 * and writes them to the evidence (checks[].log) and, with --verbose, to
 * stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "redact.h"
#include "sandbox.h"

/* A C copy of len bytes at s, masked then cut to PF_MAX_LOG_MESSAGE
 * bytes, NUL bytes shown as '?' so it stays one C string; NULL when out
 * of memory. No Lua call. */
static char *log_copy(const pf_redactor *r, const char *s, size_t len)
{
    char *c = malloc(len + 1), *m;
    size_t i;

    if (c == NULL)
        return NULL;
    for (i = 0; i < len; i++)
        c[i] = s[i] ? s[i] : '?';
    c[len] = '\0';
    m = pf_redact_cut(r, c, PF_MAX_LOG_MESSAGE); /* mask, then cut */
    free(c);
    return m;
}

/* preflight.log(message) -> nothing. message must be a string (a number
 * or anything else raises, as does a second argument). */
int pf_log_message(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    pf_log *lg = &sb->log;
    const char *s;
    size_t len, n;
    char *m;

    luaL_checktype(L, 1, LUA_TSTRING);
    if (!lua_isnone(L, 2))
        return luaL_error(L, "preflight.log takes one argument, a string");
    s = lua_tolstring(L, 1, &len);
    if (lg->n >= PF_MAX_LOG_MESSAGES || lg->dropped > 0) {
        lg->dropped++; /* full: not even masked, so a flood costs nothing */
        return 0;
    }
    m = log_copy(sb->redactor, s, len);
    n = m != NULL ? strlen(m) : 0;
    if (m == NULL || lg->bytes + n > PF_MAX_LOG_BYTES) {
        free(m);
        lg->dropped++;
        return 0;
    }
    lg->lines[lg->n++] = m;
    lg->bytes += n;
    return 0;
}

void pf_log_take(pf_sandbox *sb, pf_check *out)
{
    pf_log *lg = &sb->log;
    size_t i, dropped = lg->dropped;
    char note[160];

    for (i = 0; i < lg->n; i++) {
        if (out->nlog < PF_MAX_LOG_MESSAGES)
            out->log[out->nlog++] = lg->lines[i];
        else {
            free(lg->lines[i]);
            dropped++;
        }
    }
    if (dropped > 0 && out->nlog < PF_MAX_LOG) {
        snprintf(note, sizeof note,
                 "[log truncated: %zu more message%s not kept; at most %d "
                 "messages and %d bytes per check]",
                 dropped, dropped == 1 ? "" : "s", PF_MAX_LOG_MESSAGES,
                 PF_MAX_LOG_BYTES);
        if ((out->log[out->nlog] = strdup(note)) != NULL)
            out->nlog++;
    }
    memset(lg, 0, sizeof *lg);
}
