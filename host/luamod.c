/*
 * luamod.c: the `preflight_host` Lua module, so busted specs run checks
 * through the real host: the same discovery, worker processes, sandbox,
 * limits, redaction and verdict as the binary. It is a test seam only;
 * the CLI never loads it.
 *
 *   local host = require("preflight_host")
 *   local r = host.run({"checks/x.lua"}, {root = ".", timeout_ms = 500})
 *   r.verdict, r.exit_code, r.checks[1].status, r.checks[1].message ...
 *   host.setenv("NAME", "value")  -- or nil to unset
 * Options also take phase = "start" | "guard" (the checks' ctx.phase).
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "proto.h"
#include "runner.h"
#include "verdict.h"

extern char **environ;

static const char *opt_string(lua_State *L, int t, const char *k,
                              const char *def)
{
    const char *v = def;

    if (lua_getfield(L, t, k) == LUA_TSTRING &&
        (v = pf_tostring_nonul(L, -1, NULL)) == NULL)
        luaL_error(L, "option %s contains a NUL byte", k);
    lua_pop(L, 1); /* the string stays alive in the opts table */
    return v;
}

static long opt_int(lua_State *L, int t, const char *k, long def)
{
    long v = def;

    if (lua_getfield(L, t, k) == LUA_TNUMBER)
        v = (long)lua_tointeger(L, -1);
    lua_pop(L, 1); /* drop value */
    return v;
}

static void free_list(char **l, size_t n);

/* Collect a list of strings from opts[k] into a malloc'd array. */
static char **opt_list(lua_State *L, int t, const char *k, size_t *n)
{
    char **list = NULL;
    lua_Integer i, len;

    *n = 0;
    if (lua_getfield(L, t, k) != LUA_TTABLE) {
        lua_pop(L, 1); /* drop non-table */
        return NULL;
    }
    len = (lua_Integer)lua_rawlen(L, -1);
    list = calloc((size_t)len + 1, sizeof *list);
    for (i = 1; list && i <= len; i++) {
        lua_rawgeti(L, -1, i);
        if (pf_tostring_nonul(L, -1, NULL) == NULL) {
            free_list(list, *n);
            luaL_error(L, "option %s: item %d is not a string without NUL",
                       k, (int)i);
        }
        list[(*n)++] = strdup(lua_tostring(L, -1));
        lua_pop(L, 1); /* drop item */
    }
    lua_pop(L, 1); /* drop list */
    return list;
}

static void free_list(char **l, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static void push_check(lua_State *L, const pf_check *c)
{
    size_t i;

    lua_createtable(L, 0, 10);
    lua_pushstring(L, c->file);
    lua_setfield(L, -2, "file");
    if (c->id) {
        lua_pushstring(L, c->id);
        lua_setfield(L, -2, "id");
    }
    if (c->title) {
        lua_pushstring(L, c->title);
        lua_setfield(L, -2, "title");
    }
    lua_pushstring(L, pf_status_name(c->status));
    lua_setfield(L, -2, "status");
    if (pf_reason_name(c->reason)) {
        lua_pushstring(L, pf_reason_name(c->reason));
        lua_setfield(L, -2, "reason");
    }
    lua_pushstring(L, c->message ? c->message : "");
    lua_setfield(L, -2, "message");
    lua_pushstring(L, c->sha256);
    lua_setfield(L, -2, "sha256");
    lua_pushnumber(L, c->duration_ms);
    lua_setfield(L, -2, "duration_ms");
    lua_createtable(L, (int)c->ntags, 0);
    for (i = 0; i < c->ntags; i++) {
        lua_pushstring(L, c->tags[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "tags");
    lua_createtable(L, (int)c->nlog, 0);
    for (i = 0; i < c->nlog; i++) {
        lua_pushstring(L, c->log[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "log");
    lua_createtable(L, 0, (int)c->ndetails);
    for (i = 0; i < c->ndetails; i++) {
        const pf_detail *d = &c->details[i];
        switch (d->type) {
        case PF_DETAIL_INTEGER:
            lua_pushinteger(L, strtoll(d->value, NULL, 10));
            break;
        case PF_DETAIL_NUMBER:
            lua_pushnumber(L, strtod(d->value, NULL));
            break;
        case PF_DETAIL_BOOLEAN:
            lua_pushboolean(L, strcmp(d->value, "true") == 0);
            break;
        default:
            lua_pushstring(L, d->value);
            break;
        }
        lua_setfield(L, -2, d->key);
    }
    lua_setfield(L, -2, "details");
}

/* run(paths, opts) -> result table, or raises on bad input. */
static int host_run(lua_State *L)
{
    pf_run_config cfg;
    pf_redactor red;
    pf_check *checks = NULL;
    size_t n = 0, npaths, nman = 0, nsecrets, i;
    char **paths, **manifest = NULL, **secrets;
    char err[600], root[4096], lib[4096];
    pf_verdict v;
    const char *phase;
    int kind;

    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_isnoneornil(L, 2)) {
        lua_settop(L, 1);
        lua_newtable(L);
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    phase = opt_string(L, 2, "phase", "start"); /* before anything is held */
    if (strcmp(phase, "start") != 0 && strcmp(phase, "guard") != 0)
        return luaL_error(L, "option phase must be start or guard");
    lua_newtable(L); /* wrap paths as opts-like table for opt_list */
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "paths");
    paths = opt_list(L, 3, "paths", &npaths);
    lua_pop(L, 1); /* drop wrapper */
    if (realpath(opt_string(L, 2, "root", "."), root) == NULL)
        return luaL_error(L, "bad root");
    if (realpath(opt_string(L, 2, "lib", "lib"), lib) == NULL)
        lib[0] = '\0';
    pf_run_config_init(&cfg);
    cfg.timeout_ms = opt_int(L, 2, "timeout_ms", PF_DEFAULT_TIMEOUT_MS);
    cfg.run_timeout_ms = opt_int(L, 2, "run_timeout_ms",
                                 PF_DEFAULT_RUN_TIMEOUT_MS);
    cfg.jobs = (int)opt_int(L, 2, "jobs", PF_DEFAULT_JOBS);
    cfg.tags = opt_list(L, 2, "tags", &cfg.ntags);
    cfg.sb.root = root;
    cfg.sb.lib_dir = lib[0] ? lib : NULL;
    cfg.sb.mode = opt_string(L, 2, "mode", "paper");
    cfg.sb.http_mode = opt_string(L, 2, "http", "mock");
    cfg.sb.phase = phase;
    cfg.sb.fixtures_dir = opt_string(L, 2, "fixtures", "checks/fixtures");
    cfg.sb.memory_bytes = (size_t)opt_int(L, 2, "memory_mb",
                                          PF_DEFAULT_MEMORY_MB) << 20;
    secrets = opt_list(L, 2, "secrets", &nsecrets);
    pf_redactor_init(&red);
    pf_redactor_from_env(&red, environ, secrets, nsecrets);
    cfg.redactor = &red;
    kind = strcmp(opt_string(L, 2, "kind", "run"), "list") == 0 ? PF_JOB_META
                                                                : PF_JOB_RUN;
    memset(&v, 0, sizeof v);
    if (pf_discover(paths, npaths, &checks, &n, &manifest, &nman, err,
                    sizeof err) != 0) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, "error");
        lua_setfield(L, -2, "verdict");
        lua_pushinteger(L, PF_EXIT_ERROR);
        lua_setfield(L, -2, "exit_code");
        lua_pushstring(L, err);
        lua_setfield(L, -2, "error");
        goto done;
    }
    cfg.manifest = manifest;
    cfg.nmanifest = nman;
    pf_run(&cfg, checks, n, kind);
    pf_verdict_compute(checks, n, manifest, nman, &v);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, pf_verdict_name(v.kind));
    lua_setfield(L, -2, "verdict");
    lua_pushinteger(L, v.exit_code);
    lua_setfield(L, -2, "exit_code");
    lua_createtable(L, (int)v.nproblems, 0);
    for (i = 0; i < v.nproblems; i++) {
        lua_pushstring(L, v.problems[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "problems");
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        push_check(L, &checks[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "checks");
done:
    pf_verdict_free(&v);
    pf_checks_free(checks, n);
    free_list(paths, npaths);
    free_list(manifest, nman);
    free_list(cfg.tags, cfg.ntags);
    free_list(secrets, nsecrets);
    pf_redactor_free(&red);
    return 1;
}

static int host_setenv(lua_State *L)
{
    const char *name = pf_checklstring_nonul(L, 1, NULL);

    if (lua_isnoneornil(L, 2))
        unsetenv(name);
    else
        setenv(name, pf_checklstring_nonul(L, 2, NULL), 1);
    return 0;
}

static const luaL_Reg host_funcs[] = {
    {"run", host_run},
    {"setenv", host_setenv},
    {NULL, NULL}};

int luaopen_preflight_host(lua_State *L);

int luaopen_preflight_host(lua_State *L)
{
    luaL_newlib(L, host_funcs);
    return 1;
}
