/*
 * libs.h: every primitive family's open function, as lualib.h lists
 * Lua's own libraries. Each pushes one table of functions and lives in its
 * own lib_<family>.c. The core families are built into the binary; http,
 * redis, db and crypto live in preflight_net.so (plugin.c) and are looked
 * up there by name. sandbox.c's families[] table says which is which.
 *
 * Where to add a primitive: a function in its family's lib_<family>.c,
 * registered in that file's sorted luaL_Reg array; a new family also gets
 * a line here and a row in sandbox.c's families[].
 */
#ifndef PF_LIBS_H
#define PF_LIBS_H

#include <lua.h>

int pf_open_clock(lua_State *L);  /* lib_clock.c */
int pf_open_env(lua_State *L);    /* lib_env.c */
int pf_open_fs(lua_State *L);     /* lib_fs.c */
int pf_open_json(lua_State *L);   /* lib_json.c */
int pf_open_result(lua_State *L); /* lib_result.c: pass, fail and skip */
int pf_log_message(lua_State *L); /* lib_log.c: preflight.log itself */

/* in preflight_net.so */
int pf_open_crypto(lua_State *L); /* lib_crypto.c */
int pf_open_db(lua_State *L);     /* lib_db.c */
int pf_open_http(lua_State *L);   /* lib_http.c */
int pf_open_redis(lua_State *L);  /* lib_redis.c */

#endif
