/*
 * lib_json.c: preflight.json, lua-cjson behind wrappers.
 *
 * A cjson.safe instance is made per state and configured once here (depth
 * limits, no NaN or Infinity); the check sees only decode, encode and null,
 * never cjson's knobs (new, depth, buffer and number settings).
 */
#include <string.h>

#include <lauxlib.h>
#include <lua-cjson.h>

/* Exported by liblua5.4-cjson but missing from Debian's generated header. */
extern int luaopen_cjson_safe(lua_State *L);

#include "sandbox.h"

#define JSON_MAX_DEPTH 64
#define JSON_MAX_TEXT (4L << 20)

/* Call cjson's function `name` (upvalue 1 is the module) with the value at
 * index 1. Pushes what it returned. */
static int call_cjson(lua_State *L, const char *name)
{
    lua_getfield(L, lua_upvalueindex(1), name);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 2, 0) != LUA_OK)
        return lua_error(L); /* memory errors and the like */
    return 2;
}

static int json_decode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);

    if (len > JSON_MAX_TEXT) {
        luaL_pushfail(L);
        lua_pushliteral(L, "json text larger than 4 MiB");
        return 2;
    }
    /* lua-cjson stops at a NUL ("[1]\0junk" decodes as [1]); no valid
     * JSON text holds a raw NUL, so it is invalid, not cut */
    if (memchr(text, '\0', len) != NULL) {
        luaL_pushfail(L);
        lua_pushliteral(L, "invalid json: the text contains a NUL byte");
        return 2;
    }
    lua_settop(L, 1);
    return call_cjson(L, "decode");
}

static int json_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_settop(L, 1);
    return call_cjson(L, "encode");
}

static const luaL_Reg json_funcs[] = {
    {"decode", json_decode},
    {"encode", json_encode},
    {NULL, NULL}};

/* Configure the fresh cjson instance at the top: cjson.<fn>(arg). */
static void configure(lua_State *L, const char *fn, int arg)
{
    lua_getfield(L, -1, fn);
    if (arg < 0)
        lua_pushboolean(L, 0);
    else
        lua_pushinteger(L, arg);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        lua_error(L);
}

int pf_open_json(lua_State *L)
{
    luaopen_cjson_safe(L);
    configure(L, "decode_max_depth", JSON_MAX_DEPTH);
    configure(L, "encode_max_depth", JSON_MAX_DEPTH);
    configure(L, "encode_invalid_numbers", -1);
    configure(L, "decode_invalid_numbers", -1);
    lua_newtable(L);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, json_funcs, 1);
    lua_getfield(L, -2, "null");
    lua_setfield(L, -2, "null");
    lua_remove(L, -2); /* drop the cjson module */
    return 1;
}
