/*
 * lib_result.c: preflight.pass, preflight.fail and preflight.skip, the only
 * result values.
 *
 * A result is a full userdata with a metatable that the registry knows as
 * PF_RESULT_TNAME and that hides itself (__metatable). Scripts cannot make
 * userdata nor change one's metatable, so a pass can only come from
 * preflight.pass (and a skip only from preflight.skip). The message and details live in a table that is the
 * userdata's user value, out of the script's reach, and are validated here
 * when the result is made: misuse raises.
 */
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "result.h"
#include "sandbox.h"

/* Check the details table at index idx: flat, string keys, string, number
 * or boolean values, all within the caps. Raises on misuse. */
static void check_details(lua_State *L, int idx)
{
    int n = 0;

    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        size_t klen, vlen;
        int vt = lua_type(L, -1);
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_argerror(L, 2, "details keys must be strings");
        if (pf_tostring_nonul(L, -2, &klen) == NULL)
            luaL_argerror(L, 2, "details keys must not contain a NUL byte");
        if (klen == 0 || klen > PF_MAX_KEY)
            luaL_argerror(L, 2, "details keys must be 1 to 64 bytes");
        if (++n > PF_MAX_DETAILS)
            luaL_argerror(L, 2, "at most 64 details");
        if (vt == LUA_TSTRING) {
            lua_tolstring(L, -1, &vlen);
            if (vlen > PF_MAX_VALUE)
                luaL_argerror(L, 2, "details values are at most 1024 bytes");
        } else if (vt == LUA_TNUMBER) {
            if (!lua_isinteger(L, -1) && !isfinite(lua_tonumber(L, -1)))
                luaL_argerror(L, 2, "details numbers must be finite");
        } else if (vt != LUA_TBOOLEAN) {
            luaL_argerror(L, 2, "details values must be strings, numbers or "
                                "booleans");
        }
        lua_pop(L, 1); /* drop value, keep key */
    }
}

static int make_result(lua_State *L, int status)
{
    int *st, has_details = !lua_isnoneornil(L, 2);

    luaL_checktype(L, 1, LUA_TSTRING);
    if (has_details) {
        luaL_checktype(L, 2, LUA_TTABLE);
        check_details(L, 2);
    }
    luaL_argcheck(L, lua_gettop(L) <= 2, 3, "pass, fail and skip take "
                                            "(message [, details])");
    st = lua_newuserdatauv(L, sizeof *st, 1);
    *st = status;
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "message");
    if (has_details) {
        lua_newtable(L); /* a private copy: later changes do not count */
        lua_pushnil(L);
        while (lua_next(L, 2) != 0) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -4);
        }
        lua_setfield(L, -2, "details");
    }
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, PF_RESULT_TNAME);
    return 1;
}

static int result_pass(lua_State *L)
{
    return make_result(L, PF_STATUS_PASS);
}

static int result_fail(lua_State *L)
{
    return make_result(L, PF_STATUS_FAIL);
}

/* A skip (DESIGN 8.1): neither a pass nor a fail. It does not fail the run
 * unless the check is required (in the manifest); the verdict decides. */
static int result_skip(lua_State *L)
{
    return make_result(L, PF_STATUS_SKIP);
}

static int result_tostring(lua_State *L)
{
    int *st = luaL_checkudata(L, 1, PF_RESULT_TNAME);

    lua_pushstring(L, *st == PF_STATUS_PASS   ? "preflight.pass"
                      : *st == PF_STATUS_SKIP ? "preflight.skip"
                                              : "preflight.fail");
    return 1;
}

static const luaL_Reg result_funcs[] = {
    {"fail", result_fail},
    {"pass", result_pass},
    {"skip", result_skip},
    {NULL, NULL}};

int pf_open_result(lua_State *L)
{
    if (luaL_newmetatable(L, PF_RESULT_TNAME)) {
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
        lua_pushcfunction(L, result_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pop(L, 1); /* drop metatable */
    luaL_newlib(L, result_funcs);
    return 1;
}
