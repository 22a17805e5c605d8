/*
 * lib_fs.c: preflight.fs, file metadata anywhere and file contents below
 * the project root only.
 *
 * Relative paths are taken from the project root (the working directory or
 * --root) for both. stat uses lstat, so a symlink is reported as one (a
 * dangling .env.live link is still "present"). read resolves the path with realpath, refuses
 * anything whose real location is not below the root (so ".." and symlinks
 * out are refused alike), opens the resolved path without following a
 * final symlink and reads regular files only, up to a size cap. list
 * resolves and confines its folder the same way and returns the sorted
 * entry names, at most FS_LIST_MAX of them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "sandbox.h"

#define FS_READ_DEFAULT (1L << 20)
#define FS_READ_MAX (16L << 20)
#define FS_LIST_MAX 10000

static const char *type_name(mode_t m)
{
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISCHR(m)) return "char";
    if (S_ISBLK(m)) return "block";
    return "other";
}

static int fs_stat(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    const char *path = luaL_checkstring(L, 1);
    char full[PATH_MAX + 8];
    struct stat st;

    if (path[0] != '/') {
        snprintf(full, sizeof full, "%s/%s", sb->conf->root, path);
        path = full;
    }
    if (lstat(path, &st) != 0)
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    lua_createtable(L, 0, 6);
    lua_pushstring(L, type_name(st.st_mode));
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)st.st_size);
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, (lua_Integer)(st.st_mode & 07777));
    lua_setfield(L, -2, "mode");
    lua_pushinteger(L, (lua_Integer)st.st_uid);
    lua_setfield(L, -2, "uid");
    lua_pushinteger(L, (lua_Integer)st.st_gid);
    lua_setfield(L, -2, "gid");
    lua_pushinteger(L, (lua_Integer)st.st_mtime);
    lua_setfield(L, -2, "mtime");
    return 1;
}

/* 1 when real is root itself or a path below it. */
static int below_root(const char *root, const char *real)
{
    size_t n = strlen(root);

    if (strcmp(root, "/") == 0)
        return 1;
    return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

static int fs_read(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    const char *path = luaL_checkstring(L, 1);
    lua_Integer max = luaL_optinteger(L, 2, FS_READ_DEFAULT);
    char real[PATH_MAX], rel[PATH_MAX + 8];
    struct stat st;
    luaL_Buffer b;
    int fd;
    ssize_t n;
    size_t total = 0;

    luaL_argcheck(L, max > 0 && max <= FS_READ_MAX, 2,
                  "max_bytes must be between 1 and 16 MiB");
    if (path[0] != '/') {
        snprintf(rel, sizeof rel, "%s/%s", sb->conf->root, path);
        path = rel;
    }
    if (realpath(path, real) == NULL)
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    if (!below_root(sb->conf->root, real)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: outside the project root",
                        luaL_checkstring(L, 1));
        return 2;
    }
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: not a regular file", luaL_checkstring(L, 1));
        return 2;
    }
    luaL_buffinit(L, &b);
    for (;;) {
        char *p = luaL_prepbuffer(&b);
        n = read(fd, p, LUAL_BUFFERSIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += (size_t)n;
        if (total > (size_t)max) {
            close(fd);
            luaL_pushfail(L);
            lua_pushfstring(L, "%s: larger than %d bytes",
                            luaL_checkstring(L, 1), (int)max);
            return 2;
        }
        luaL_addsize(&b, (size_t)n);
    }
    close(fd);
    if (n < 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: read failed", luaL_checkstring(L, 1));
        return 2;
    }
    luaL_pushresult(&b);
    return 1;
}

typedef struct name_list {
    char **names;
    size_t n;
} name_list;

static void name_list_free(name_list *nl)
{
    size_t i;

    for (i = 0; i < nl->n; i++)
        free(nl->names[i]);
    free(nl->names);
    nl->names = NULL;
    nl->n = 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read the names in folder real (without "." and "..") into nl, sorted.
 * Returns 0, -1 with errno set, or -2 when there are more than
 * FS_LIST_MAX. No Lua call: nothing can raise while nl owns memory.
 */
static int read_names(const char *real, name_list *nl)
{
    DIR *d = opendir(real);
    struct dirent *e;
    size_t cap = 0;
    int rc = 0, saved;

    if (d == NULL)
        return -1;
    while ((errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (nl->n == FS_LIST_MAX) {
            rc = -2;
            break;
        }
        if (nl->n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **g = realloc(nl->names, ncap * sizeof *g);
            if (g == NULL) {
                errno = ENOMEM;
                rc = -1;
                break;
            }
            nl->names = g;
            cap = ncap;
        }
        if ((nl->names[nl->n] = strdup(e->d_name)) == NULL) {
            errno = ENOMEM;
            rc = -1;
            break;
        }
        nl->n++;
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    saved = errno;
    closedir(d);
    errno = saved;
    if (rc == 0 && nl->n > 1)
        qsort(nl->names, nl->n, sizeof *nl->names, cmp_names);
    return rc;
}

/* Push the names of the name_list given as a light userdata as a
 * sequence. Runs under lua_pcall so a memory error cannot leak it. */
static int push_names(lua_State *L)
{
    const name_list *nl = lua_touserdata(L, 1);
    size_t i;

    lua_createtable(L, (int)nl->n, 0);
    for (i = 0; i < nl->n; i++) {
        lua_pushstring(L, nl->names[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* list(path) -> sorted names | nil, err, errno. */
static int fs_list(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    const char *path = luaL_checkstring(L, 1);
    char real[PATH_MAX], rel[PATH_MAX + 8];
    name_list nl = {NULL, 0};
    int rc;

    if (path[0] != '/') {
        snprintf(rel, sizeof rel, "%s/%s", sb->conf->root, path);
        path = rel;
    }
    if (realpath(path, real) == NULL)
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    if (!below_root(sb->conf->root, real)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: outside the project root",
                        luaL_checkstring(L, 1));
        return 2;
    }
    rc = read_names(real, &nl);
    if (rc == -1) {
        int saved = errno;
        name_list_free(&nl);
        errno = saved;
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    }
    if (rc == -2) {
        name_list_free(&nl);
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: more than %d entries", luaL_checkstring(L, 1),
                        FS_LIST_MAX);
        return 2;
    }
    lua_pushcfunction(L, push_names);
    lua_pushlightuserdata(L, &nl);
    rc = lua_pcall(L, 1, 1, 0);
    name_list_free(&nl);
    if (rc != LUA_OK)
        return lua_error(L); /* out of memory: the sandbox flag is set */
    return 1;
}

static const luaL_Reg fs_funcs[] = {
    {"list", fs_list},
    {"read", fs_read},
    {"stat", fs_stat},
    {NULL, NULL}};

int pf_open_fs(lua_State *L)
{
    luaL_newlib(L, fs_funcs);
    return 1;
}
