/*
 * plugin.c: load preflight_net.so on first use (see plugin.h).
 *
 * The plugin is looked for next to the real file of the object holding
 * this code, and at the compiled-in install folder. For the preflight
 * executable that file is /proc/self/exe (the kernel's resolved path):
 * never argv[0], which the caller chooses (a symlink or `exec -a` in a
 * folder holding a forged preflight_net.so), never the working directory,
 * never an environment variable, so nobody can make preflight load other
 * code; a binary reached through a symlink or PATH finds its own plugin.
 * The executable looks in its folder and at the install location relative
 * to it; the Lua test module (a shared object, whose path is its resolved
 * dlopen path) in its folder and its parent folder.
 */
#define _GNU_SOURCE
#include "plugin.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

#ifndef PF_INSTALL_PLUGINDIR
#define PF_INSTALL_PLUGINDIR "/usr/local/lib/preflight"
#endif
#ifndef PF_PLUGIN_RELDIR
#define PF_PLUGIN_RELDIR "../lib/preflight"
#endif

static void *handle;      /* per process: each worker loads it at most once */
static void *sign_handle; /* preflight_sign.so, for the parent's signing */

/*
 * The real folder of the object holding this code into dir (dirlen >=
 * PATH_MAX): /proc/self/exe resolved for the executable, the resolved
 * dlopen path for a shared object. dladdr's file name is argv[0] for the
 * executable, so it is never used for it. Sets *is_exe. Returns 0, or -1
 * when the folder cannot be known (then only the install folder is
 * tried).
 */
static int own_dir(char *dir, size_t dirlen, int *is_exe)
{
    Dl_info info;
    struct link_map *map = NULL;
    char real[PATH_MAX], *slash;
    ssize_t n;

    if (dladdr1((void *)pf_plugin_symbol, &info, (void **)&map,
                RTLD_DL_LINKMAP) == 0 || map == NULL)
        return -1;
    *is_exe = map->l_name == NULL || map->l_name[0] == '\0';
    if (*is_exe) {
        n = readlink("/proc/self/exe", real, sizeof real - 1);
        if (n <= 0 || (size_t)n >= sizeof real - 1 || real[0] != '/')
            return -1;
        real[n] = '\0';
    } else if (realpath(map->l_name, real) == NULL) {
        return -1;
    }
    slash = strrchr(real, '/');
    if (slash == NULL || (size_t)(slash - real) >= dirlen)
        return -1;
    *slash = '\0';
    snprintf(dir, dirlen, "%s", real[0] ? real : "/");
    return 0;
}

/* Try dlopen on each candidate path; report the first failure that is
 * not "no such file" (a plugin that exists but does not load), else the
 * last one. */
static void *load_named(const char *name, char *err, size_t errlen)
{
    char dir[PATH_MAX], cand[3][PATH_MAX + 300];
    size_t n = 0, i;
    int real_error = 0, is_exe = 0;
    void *h;

    if (own_dir(dir, sizeof dir, &is_exe) == 0) {
        snprintf(cand[n++], sizeof cand[0], "%s/%s", dir, name);
        if (is_exe)
            snprintf(cand[n++], sizeof cand[0], "%s/%s/%s", dir,
                     PF_PLUGIN_RELDIR, name);
        else
            snprintf(cand[n++], sizeof cand[0], "%s/../%s", dir,
                     name);
    }
    snprintf(cand[n++], sizeof cand[0], "%s/%s", PF_INSTALL_PLUGINDIR,
             name);
    snprintf(err, errlen, "%s not found", name);
    for (i = 0; i < n; i++) {
        const char *e;
        h = dlopen(cand[i], RTLD_NOW | RTLD_LOCAL);
        if (h != NULL)
            return h;
        e = dlerror();
        if (!real_error && e != NULL) {
            snprintf(err, errlen, "%s", e);
            real_error = strstr(e, "No such file") == NULL;
        }
    }
    return NULL;
}

static void *load(char *err, size_t errlen)
{
    return load_named(PF_PLUGIN_NAME, err, errlen);
}

lua_CFunction pf_plugin_symbol(const char *symbol, char *err, size_t errlen)
{
    void *f;

    /* a test program that links the families statically (and exports
     * them) uses its own copy, with its link-time wraps */
    f = dlsym(RTLD_DEFAULT, symbol);
    if (f != NULL)
        return (lua_CFunction)f;
    if (handle == NULL && (handle = load(err, errlen)) == NULL)
        return NULL;
    f = dlsym(handle, symbol);
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", PF_PLUGIN_NAME, dlerror());
        return NULL;
    }
    return (lua_CFunction)f;
}

pf_plugin_fn pf_plugin_function(const char *symbol, char *err, size_t errlen)
{
    void *f = dlsym(RTLD_DEFAULT, symbol); /* tests link it statically */

    if (f != NULL)
        return (pf_plugin_fn)f;
    if (sign_handle == NULL &&
        (sign_handle = load_named(PF_SIGN_PLUGIN_NAME, err, errlen)) == NULL)
        return NULL;
    f = dlsym(sign_handle, symbol);
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", PF_SIGN_PLUGIN_NAME, dlerror());
        return NULL;
    }
    return (pf_plugin_fn)f;
}

void pf_plugin_preload(void)
{
    char err[256];

    if (handle == NULL)
        handle = load(err, sizeof err);
}

/* __index of a lazy family table: (t, k) -> t[k] after loading, which
 * also drops this metatable (t is only reachable through its read-only
 * proxy), so later reads are plain. Upvalues: the family's name, its
 * open function's symbol. */
static int lazy_index(lua_State *L)
{
    const char *symbol = lua_tostring(L, lua_upvalueindex(2));
    char err[512];
    lua_CFunction open;

    open = pf_plugin_symbol(symbol, err, sizeof err);
    if (open == NULL)
        return luaL_error(L, "preflight.%s unavailable: %s",
                          lua_tostring(L, lua_upvalueindex(1)), err);
    open(L); /* pushes the family's table */
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) { /* copy the family into t */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, 1);
    }
    lua_pop(L, 1); /* drop the plugin's table */
    lua_pushnil(L);
    lua_setmetatable(L, 1); /* loaded */
    lua_pushvalue(L, 2);
    lua_rawget(L, 1);
    return 1;
}

void pf_plugin_push_lazy(lua_State *L, const char *family, const char *symbol)
{
    lua_newtable(L);             /* the family, empty until first use */
    lua_createtable(L, 0, 1);    /* its metatable */
    lua_pushstring(L, family);
    lua_pushstring(L, symbol);
    lua_pushcclosure(L, lazy_index, 2);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}
