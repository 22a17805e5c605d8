/*
 * lib_env.c: preflight.env, read access to the process environment.
 *
 * Values of secret variables can be read (a check may need to sign a
 * request) but the parent masks them in anything the check reports.
 * uid() gives the effective user id, so a check can tell whether a file
 * belongs to the user preflight runs as.
 */
#include <stdlib.h>
#include <unistd.h>

#include <lauxlib.h>

#include "sandbox.h"

static int env_get(lua_State *L)
{
    const char *v = getenv(pf_checklstring_nonul(L, 1, NULL));

    if (v == NULL)
        lua_pushnil(L);
    else
        lua_pushstring(L, v);
    return 1;
}

static int env_has(lua_State *L)
{
    lua_pushboolean(L, getenv(pf_checklstring_nonul(L, 1, NULL)) != NULL);
    return 1;
}

static int env_uid(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)geteuid());
    return 1;
}

static const luaL_Reg env_funcs[] = {
    {"get", env_get},
    {"has", env_has},
    {"uid", env_uid},
    {NULL, NULL}};

int pf_open_env(lua_State *L)
{
    luaL_newlib(L, env_funcs);
    return 1;
}
