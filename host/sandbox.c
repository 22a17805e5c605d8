/*
 * sandbox.c: a fresh, allow-listed Lua state with memory, instruction and
 * time limits (see sandbox.h).
 *
 * The environment is built from allow-lists of names (allow_base and one
 * per library below; anything else Lua defines is removed): base without
 * dofile, loadfile, load, collectgarbage, print and warn; string without
 * dump; table, math, utf8; a setmetatable that refuses __gc (finalizers run
 * with hooks off, so a looping one could only be stopped by a kill); a
 * require confined to the library folder, text chunks only; and the
 * read-only preflight table. io, os, debug, package and coroutine are not
 * there at all.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "arena.h"
#include "atomic.h"
#include "plugin.h"
#include "result.h"
#include "sha256.h"
#include "version.h"

#define HOOK_EVERY 1000           /* instructions between hook calls */
#define MAX_LIB_FILE (1u << 20)   /* a library module's size cap */
#define LOADED_KEY "preflight.loaded"

/* Give back a block of `size` bytes, from the arena or from malloc. */
static void give_back(void *ptr, size_t size)
{
    if (pf_arena_owns(ptr))
        pf_arena_free(ptr, size);
    else
        free(ptr);
}

/* A block of nsize bytes holding the first keep bytes of ptr (old bytes
 * long, or NULL), or NULL. New small blocks come from the arena while it
 * has room (not in sanitizer builds, where malloc's redzones and
 * quarantine check every block), the rest from malloc; a malloc block
 * that shrinks stays with malloc. */
static void *resize(void *ptr, size_t old, size_t nsize)
{
    size_t keep = old < nsize ? old : nsize;
    int owned = ptr != NULL && pf_arena_owns(ptr);
    void *p;

    if (owned && pf_arena_same_class(old, nsize)) {
        pf_arena_resize(ptr, old, nsize);
        return ptr;
    }
    if (ptr != NULL && !owned && (nsize <= old || nsize > PF_ARENA_MAX))
        return realloc(ptr, nsize); /* let malloc shrink or move it */
    p = PF_ARENA_FOR_STATES && nsize <= PF_ARENA_MAX ? pf_arena_alloc(nsize)
                                                     : NULL;
    if (p == NULL && (p = malloc(nsize)) == NULL)
        return NULL;
    if (ptr != NULL) {
        memcpy(p, ptr, keep);
        give_back(ptr, old);
    }
    return p;
}

/*
 * The counting allocator. Frees and shrinks always succeed (Lua relies on
 * that); a growth past the cap is refused and sets the sticky oom flag.
 */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    pf_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    void *p;

    if (nsize == 0) {
        if (ptr != NULL)
            give_back(ptr, old);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->used - old + nsize > sb->conf->memory_bytes) {
        sb->oom = 1;
        return NULL;
    }
    p = resize(ptr, old, nsize);
    if (p == NULL) {
        if (nsize > old) {
            sb->oom = 1;
            sb->os_oom = 1; /* under the cap: the system said no */
            return NULL;
        }
        /* a failed shrink keeps the old block; Lua now takes it for
         * nsize bytes and will free it as such (a larger block on a
         * smaller class's free list, or free(): both safe), so count
         * nsize, as Lua does */
        p = ptr;
    }
    sb->used = sb->used - old + nsize;
    if (sb->used > sb->peak)
        sb->peak = sb->used;
    return p;
}

pf_sandbox *pf_sandbox_of(lua_State *L)
{
    void *ud;

    lua_getallocf(L, &ud);
    return ud;
}

/*
 * The count hook. Once the budget or the deadline is passed it sets the
 * sticky flag and raises on every later call too, so an error caught by
 * pcall is raised again a few instructions later.
 */
static void sb_hook(lua_State *L, lua_Debug *ar)
{
    pf_sandbox *sb = pf_sandbox_of(L);

    (void)ar;
    sb->instr += HOOK_EVERY;
    if (!sb->timeout && (sb->instr > sb->conf->instr_budget ||
                         pf_now_ns() >= sb->deadline_ns))
        sb->timeout = 1;
    if (sb->timeout)
        luaL_error(L, "timeout: the check ran past its time or instruction "
                      "budget");
}

long pf_sandbox_remaining_ms(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    uint64_t now = pf_now_ns();

    if (now >= sb->deadline_ns)
        return 0;
    return (long)((sb->deadline_ns - now) / 1000000u);
}

long pf_sandbox_clamp_ms(lua_State *L, long requested_ms)
{
    long left = pf_sandbox_remaining_ms(L);

    /* keep a little back so a wait that uses all of it can still be
     * reported as the primitive's own timeout before the deadline */
    left = left > 2 * PF_SANDBOX_RESERVE_MS ? left - PF_SANDBOX_RESERVE_MS
                                            : left / 2;

    if (requested_ms <= 0 || requested_ms > left)
        requested_ms = left;
    return requested_ms < 1 ? 1 : requested_ms;
}

void pf_sandbox_deadline_check(lua_State *L)
{
    if (pf_sandbox_remaining_ms(L) <= PF_SANDBOX_RESERVE_MS)
        pf_sandbox_of(L)->timeout = 1;
}

const char *pf_checklstring_nonul(lua_State *L, int arg, size_t *len)
{
    size_t n;
    const char *s = luaL_checklstring(L, arg, &n);

    if (memchr(s, '\0', n) != NULL)
        luaL_argerror(L, arg, "string contains a NUL byte");
    if (len != NULL)
        *len = n;
    return s;
}

const char *pf_tostring_nonul(lua_State *L, int idx, size_t *len)
{
    size_t n;
    const char *s;

    if (lua_type(L, idx) != LUA_TSTRING)
        return NULL;
    s = lua_tolstring(L, idx, &n);
    if (memchr(s, '\0', n) != NULL)
        return NULL;
    if (len != NULL)
        *len = n;
    return s;
}

const char *pf_sandbox_errtext(lua_State *L, char *buf, size_t buflen)
{
    int t = lua_type(L, -1);

    if (t == LUA_TSTRING)
        return lua_tostring(L, -1);
    if (t == LUA_TNUMBER) {
        if (lua_isinteger(L, -1))
            snprintf(buf, buflen, "%lld", (long long)lua_tointeger(L, -1));
        else
            snprintf(buf, buflen, "%.14g", (double)lua_tonumber(L, -1));
        return buf;
    }
    if (luaL_testudata(L, -1, PF_RESULT_TNAME) != NULL)
        snprintf(buf, buflen, "error object is a preflight result (a result "
                              "must be returned, not raised)");
    else
        snprintf(buf, buflen, "error object is a %s value",
                 lua_typename(L, t));
    return buf;
}

/* Message handler: keep strings, describe everything else without calling
 * any metamethod. */
static int sb_msgh(lua_State *L)
{
    char buf[160];
    int t = lua_type(L, 1);

    if (t == LUA_TSTRING)
        return 1;
    lua_pushstring(L, pf_sandbox_errtext(L, buf, sizeof buf));
    return 1;
}

int pf_sandbox_pcall(lua_State *L, int nargs)
{
    int base = lua_gettop(L) - nargs, status;

    lua_pushcfunction(L, sb_msgh);
    lua_insert(L, base); /* handler below the function */
    status = lua_pcall(L, nargs, LUA_MULTRET, base);
    lua_remove(L, base); /* drop handler */
    return status;
}

int pf_sandbox_push_owned(lua_State *L, lua_CFunction push, void *ud,
                          void (*release)(void *ud))
{
    int rc;

    lua_pushcfunction(L, push);
    lua_pushlightuserdata(L, ud);
    rc = lua_pcall(L, 1, 1, 0);
    release(ud);
    if (rc != LUA_OK)
        return lua_error(L); /* out of memory: the sandbox flag is set */
    return 1;
}

/* setmetatable without __gc: finalizers run with hooks disabled. */
static int base_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in checks");
        lua_pop(L, 1); /* drop __gc */
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/*
 * Open lib_dir/a/b/c.lua for the module name "a.b.c" (already checked:
 * dotted lowercase words) one component at a time with openat and
 * O_NOFOLLOW, so that a symlink anywhere below the library folder (a
 * directory component or the file) is refused: what runs is what was
 * reviewed in the folder. O_NONBLOCK so a FIFO cannot block the open; the
 * caller checks S_ISREG. Returns an fd, or -1 with errno (ELOOP for a
 * symlink) and the offending relative path in bad.
 */
static int open_lib_module(const char *lib_dir, const char *name,
                           char *bad, size_t badlen)
{
    char comp[160], rel[160];
    const char *p = name, *dot;
    int dir, fd, saved;
    struct stat st;

    snprintf(bad, badlen, "."); /* the folder itself, until a component */
    dir = open(lib_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -1;
    rel[0] = '\0';
    for (;;) {
        size_t n;
        int last;
        dot = strchr(p, '.');
        last = dot == NULL;
        n = last ? strlen(p) : (size_t)(dot - p);
        if (n + 5 > sizeof comp) { /* names are at most 128 bytes */
            close(dir);
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(comp, p, n);
        memcpy(comp + n, last ? ".lua" : "", last ? 5 : 1);
        if (strlen(rel) + n + 6 <= sizeof rel) { /* for messages only */
            if (rel[0] != '\0')
                strcat(rel, "/");
            strcat(rel, comp);
        }
        fd = openat(dir, comp,
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
                        (last ? O_NONBLOCK : O_DIRECTORY));
        saved = errno;
        if (fd < 0 && fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
            saved = ELOOP; /* O_DIRECTORY words a symlink as ENOTDIR */
        close(dir);
        if (fd < 0) {
            snprintf(bad, badlen, "%s", rel);
            errno = saved;
            return -1;
        }
        if (last)
            return fd;
        dir = fd;
        p = dot + 1;
    }
}

/* Read a library module into a new Lua string on the stack, or push an
 * error message and return -1 (not found) or -2 (refused). */
static int read_lib_file(lua_State *L, const char *lib_dir, const char *name,
                         const char *path)
{
    int fd = -1;
    struct stat st;
    luaL_Buffer b;
    char chunk[4096], bad[160];
    ssize_t n;
    size_t total = 0;

    fd = open_lib_module(lib_dir, name, bad, sizeof bad);
    if (fd < 0 && errno == ENOENT)
        return -1;
    if (fd < 0 && errno == ELOOP) {
        lua_pushfstring(L, "module '%s': %s/%s is a symlink; library "
                           "modules and their folders must be real files "
                           "and folders", name, lib_dir, bad);
        return -2;
    }
    if (fd < 0) {
        lua_pushfstring(L, "module '%s': cannot open %s/%s: %s", name,
                        lib_dir, bad, strerror(errno));
        return -2;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        lua_pushfstring(L, "module '%s': %s is not a regular file", name,
                        path);
        return -2;
    }
    luaL_buffinit(L, &b);
    for (;;) {
        n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += (size_t)n;
        if (total > MAX_LIB_FILE) {
            close(fd);
            luaL_pushresult(&b);
            lua_pop(L, 1); /* drop partial text */
            lua_pushfstring(L, "library file %s is larger than %d bytes",
                            path, (int)MAX_LIB_FILE);
            return -2;
        }
        luaL_addlstring(&b, chunk, (size_t)n);
    }
    close(fd);
    luaL_pushresult(&b);
    if (n < 0) {
        lua_pop(L, 1); /* drop partial text */
        lua_pushfstring(L, "module '%s': cannot read %s", name, path);
        return -2;
    }
    return 0;
}

/*
 * Record the module at path (lib_dir/...), whose exact bytes are text,
 * in the check's report: its path relative to the project root (absolute
 * when the library folder is not inside it) and their SHA-256, so the
 * parent can compare what was compiled with the lock (DESIGN.md 8.2).
 * Returns 0, or -1 when it cannot be recorded (the module is then not
 * compiled: what runs is always what is reported).
 */
static int record_module(pf_sandbox *sb, const char *path, const char *text,
                         size_t len)
{
    const char *root = sb->conf->root, *rel = path;
    size_t rl = root ? strlen(root) : 0;
    char hex[65];

    if (sb->report == NULL)
        return 0;
    if (root != NULL && strcmp(root, "/") == 0)
        rel = path + 1;
    else if (root != NULL && strncmp(path, root, rl) == 0 && path[rl] == '/')
        rel = path + rl + 1;
    pf_sha256_hex(text, len, hex);
    return pf_check_add_module(sb->report, rel, strlen(rel), hex);
}

/*
 * require(name): names are dotted lowercase words; "a.b" is lib_dir/a/b.lua.
 * The chunk is loaded as text with the sandbox's globals as its environment
 * and its value cached per state. A module that requires itself while
 * loading is an error, not a loop.
 */
static int base_require(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    size_t len, i;
    const char *name = luaL_checklstring(L, 1, &len);
    char path[4096];
    int rc;

    if (len == 0 || len > 128)
        return luaL_argerror(L, 1, "bad module name");
    for (i = 0; i < len; i++) {
        char ch = name[i];
        int word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                   ch == '_';
        if (!word && !(ch == '.' && i > 0 && i + 1 < len && name[i - 1] != '.'))
            return luaL_argerror(L, 1, "module names are dotted lowercase "
                                       "words (a-z, 0-9, _)");
    }
    lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
    if (lua_getfield(L, -1, name) != LUA_TNIL) {
        if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))
            return luaL_error(L, "module '%s' requires itself while loading",
                              name);
        return 1;
    }
    lua_pop(L, 1); /* drop nil */
    if (sb->conf->lib_dir == NULL)
        return luaL_error(L, "module '%s' not found: no library folder "
                             "(no lib/ in the project root %s; --lib DIR)",
                          name, sb->conf->root ? sb->conf->root : "?");
    snprintf(path, sizeof path, "%s/", sb->conf->lib_dir);
    for (i = 0; i < len && strlen(path) + 5 < sizeof path; i++) {
        size_t at = strlen(path);
        path[at] = name[i] == '.' ? '/' : name[i];
        path[at + 1] = '\0';
    }
    strncat(path, ".lua", sizeof path - strlen(path) - 1);
    rc = read_lib_file(L, sb->conf->lib_dir, name, path);
    if (rc == -1)
        return luaL_error(L, "module '%s' not found in the library folder "
                             "%s", name, sb->conf->lib_dir);
    if (rc == -2)
        return lua_error(L);
    {
        size_t tlen;
        const char *text = lua_tolstring(L, -1, &tlen);
        char chunkname[4200];
        if (record_module(sb, path, text, tlen) != 0)
            return luaL_error(L, "module '%s': cannot record what was "
                                 "compiled (more than %d modules in one "
                                 "check?)", name, PF_MAX_MODULES);
        snprintf(chunkname, sizeof chunkname, "@%s", path);
        if (luaL_loadbufferx(L, text, tlen, chunkname, "t") != LUA_OK)
            return lua_error(L);
    }
    lua_remove(L, -2); /* drop text */
    lua_pushboolean(L, 0);
    lua_setfield(L, -3, name); /* mark as loading */
    lua_pushstring(L, name);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        return lua_error(L); /* re-raise the module's error as is */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1); /* drop nil */
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name); /* loaded[name] = value */
    return 1;
}

static int ro_newindex(lua_State *L)
{
    return luaL_error(L, "the preflight table is read-only");
}

static int preflight_index(lua_State *L);

/* The iterator ro_pairs hands out: (proxy, key) -> the next name and its
 * value. Upvalue 1: the table behind the proxy, which never leaves C. */
static int ro_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)) == 0) {
        lua_pushnil(L);
        return 1;
    }
    return 2;
}

static int ro_pairs(lua_State *L);

/*
 * Replace the table on top by a read-only proxy: a userdata whose
 * metatable indexes the table (or calls index with the table as its
 * upvalue), refuses writes, hides itself and lists its names to pairs
 * (ro_pairs). rawset cannot touch a userdata, so the table cannot be
 * changed at all.
 */
static void make_readonly(lua_State *L, lua_CFunction index)
{
    lua_newuserdatauv(L, 0, 0);
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, -3);
    if (index != NULL)
        lua_pushcclosure(L, index, 1); /* reads go through index(t) */
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -3);
    lua_pushboolean(L, index == preflight_index);
    lua_pushcclosure(L, ro_pairs, 2); /* names, never the table */
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2); /* drop the plain table */
}

/*
 * The families of the preflight table. The core ones are opened here; the
 * others live in preflight_net.so, loaded on first use. Either way a
 * family is built only when a check first reads preflight.<name>, so a
 * check pays for what it uses and nothing else.
 */
static const struct {
    const char *name;
    lua_CFunction open;  /* a core family */
    const char *symbol;  /* or a plugin family's open function */
} families[] = {
    {"clock", pf_open_clock, NULL},
    {"crypto", NULL, "pf_open_crypto"},
    {"db", NULL, "pf_open_db"},
    {"env", pf_open_env, NULL},
    {"fs", pf_open_fs, NULL},
    {"http", NULL, "pf_open_http"},
    {"json", pf_open_json, NULL},
    {"redis", NULL, "pf_open_redis"},
};

/*
 * __index of the preflight proxy: (proxy, key). Upvalue 1 holds what is
 * there already (pass, fail, skip, log, version and the families built
 * so far); a
 * family's name not yet in it builds the family, read-only, and keeps it,
 * so every read of preflight.json gives the same value.
 */
static int preflight_index(lua_State *L)
{
    const char *name;
    size_t len, i;

    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL ||
        lua_type(L, 2) != LUA_TSTRING)
        return 1;
    name = lua_tolstring(L, 2, &len);
    for (i = 0; i < sizeof families / sizeof families[0]; i++) {
        /* the whole key: "json\0x" is not json */
        if (len != strlen(families[i].name) ||
            memcmp(name, families[i].name, len) != 0)
            continue;
        if (families[i].open != NULL)
            families[i].open(L); /* pushes the family's table */
        else
            pf_plugin_push_lazy(L, families[i].name, families[i].symbol);
        make_readonly(L, NULL);
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, lua_upvalueindex(1));
        return 1;
    }
    return 1; /* nil: not a member */
}

/*
 * __pairs of a read-only proxy: pairs(preflight) and
 * pairs(preflight.fs) list the names, so a check (and the test that keeps
 * the docs true) can ask the host what it has. Upvalue 1: the table
 * behind the proxy; upvalue 2: true for the preflight table itself, whose
 * families are then all built first (as reads of each would), and a
 * family still waiting for preflight_net.so loads it (raising, as a read
 * does, when it cannot).
 */
static int ro_pairs(lua_State *L)
{
    size_t i;

    if (lua_toboolean(L, lua_upvalueindex(2))) {
        for (i = 0; i < sizeof families / sizeof families[0]; i++) {
            lua_pushstring(L, families[i].name);
            lua_gettable(L, 1); /* through the proxy: builds the family */
            lua_pop(L, 1);
        }
    } else if (lua_getmetatable(L, lua_upvalueindex(1))) {
        lua_pop(L, 1); /* a lazy family: a read loads it */
        lua_pushliteral(L, "");
        lua_gettable(L, lua_upvalueindex(1));
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, ro_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/*
 * The environment by name. Each list is every name a check may see in
 * that table; whatever else the Lua library defines (today's dofile, load,
 * print, string.dump, ..., or anything a later Lua adds) is removed. NULL
 * ends a list. setmetatable and require are replaced below.
 */
static const char *const allow_base[] = {
    "_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "next",
    "pairs", "pcall", "rawequal", "rawget", "rawlen", "rawset", "select",
    "setmetatable", "tonumber", "tostring", "type", "xpcall", NULL};
static const char *const allow_string[] = {
    "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower",
    "match", "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
    NULL};
static const char *const allow_table[] = {
    "concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL};
static const char *const allow_math[] = {
    "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor",
    "fmod", "huge", "log", "max", "maxinteger", "min", "mininteger", "modf",
    "pi", "rad", "random", "randomseed", "sin", "sqrt", "tan", "tointeger",
    "type", "ult", NULL};
static const char *const allow_utf8[] = {
    "char", "charpattern", "codepoint", "codes", "len", "offset", NULL};

/* Push a new table holding only the names in list (NULL-terminated) as
 * the table at src has them: what is not listed is simply not there. A
 * lookup per allowed name, no comparison per defined one. */
static void copy_allowed(lua_State *L, int src, const char *const *list,
                         int size)
{
    src = lua_absindex(L, src);
    lua_createtable(L, 0, size);
    for (; *list != NULL; list++) {
        lua_pushstring(L, *list);
        if (lua_rawget(L, src) == LUA_TNIL) {
            lua_pop(L, 1); /* drop nil: not defined by this Lua */
            continue;
        }
        lua_setfield(L, -2, *list);
    }
}

/* Build the globals; runs under lua_pcall so out-of-memory is caught. */
static int sb_setup(lua_State *L)
{
    size_t i;

    static const struct {
        const char *name;
        lua_CFunction open;
        const char *const *allow;
    } libs[] = {{LUA_STRLIBNAME, luaopen_string, allow_string},
                {LUA_TABLIBNAME, luaopen_table, allow_table},
                {LUA_MATHLIBNAME, luaopen_math, allow_math},
                {LUA_UTF8LIBNAME, luaopen_utf8, allow_utf8}};

    /* base fills a scratch globals table; the real one (sized for what
     * goes in: base's allowed names, 5 libraries, preflight, so filling it
     * never rehashes) gets only the allowed names */
    lua_settop(L, 0);
    lua_createtable(L, 0, 32);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    luaopen_base(L); /* fills the scratch globals; pushes them */
    copy_allowed(L, 1, allow_base, 28);
    lua_replace(L, 1); /* the real globals at 1, the scratch dropped */
    lua_pushvalue(L, 1);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_pushvalue(L, 1);
    lua_setfield(L, 1, "_G");
    for (i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        libs[i].open(L); /* no package.loaded: there is no package */
        copy_allowed(L, -1, libs[i].allow, 28);
        lua_remove(L, -2); /* drop the library as Lua opened it */
        lua_setfield(L, 1, libs[i].name);
    }
    /* strings index the allowed string table, not the one Lua opened */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getfield(L, 1, LUA_STRLIBNAME);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 2); /* drop metatable and "" */
    lua_pushcfunction(L, base_setmetatable);
    lua_setfield(L, 1, "setmetatable");
    lua_pushcfunction(L, base_require);
    lua_setfield(L, 1, "require");
    /* the loaded-modules cache is in the registry, out of the script's
     * reach */
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);

    lua_createtable(L, 0, 5 + (int)(sizeof families / sizeof families[0]));
    pf_open_result(L);
    lua_getfield(L, -1, "pass");
    lua_setfield(L, -3, "pass");
    lua_getfield(L, -1, "fail");
    lua_setfield(L, -3, "fail");
    lua_getfield(L, -1, "skip");
    lua_setfield(L, -3, "skip");
    lua_pop(L, 1); /* drop result lib */
    lua_pushcfunction(L, pf_log_message);
    lua_setfield(L, -2, "log");
    lua_pushliteral(L, PF_VERSION);
    lua_setfield(L, -2, "version");
    make_readonly(L, preflight_index);
    lua_setfield(L, 1, "preflight");
    return 0;
}

int pf_sandbox_open(pf_sandbox *sb, const pf_sandbox_conf *conf,
                    uint64_t deadline_ns)
{
    memset(sb, 0, sizeof *sb);
    sb->conf = conf;
    sb->deadline_ns = deadline_ns;
    pf_arena_enter();
    sb->L = lua_newstate(sb_alloc, sb);
    if (sb->L == NULL) {
        pf_arena_leave();
        return -1;
    }
    lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_pushcfunction(sb->L, sb_setup);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        pf_sandbox_close(sb);
        return -1;
    }
    return 0;
}

void pf_sandbox_close(pf_sandbox *sb)
{
    size_t i;

    if (sb->L != NULL) {
        lua_close(sb->L);
        pf_arena_leave(); /* every block of the state is free now */
    }
    sb->L = NULL;
    for (i = 0; i < sb->log.n; i++) /* what pf_log_take did not move */
        free(sb->log.lines[i]);
    memset(&sb->log, 0, sizeof sb->log);
}
