/*
 * lib_fs.c: preflight.fs, file metadata anywhere and file contents below
 * the project root only.
 *
 * Relative paths are taken from the project root (the working directory or
 * --root) for both. stat uses lstat, so a symlink is reported as one (a
 * dangling .env.live link is still "present"). read resolves the path with realpath, refuses
 * anything whose real location is not below the root (so ".." and symlinks
 * out are refused alike), opens the resolved path without following a
 * final symlink and reads regular files only, up to a size cap.
 */
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

static const luaL_Reg fs_funcs[] = {
    {"read", fs_read},
    {"stat", fs_stat},
    {NULL, NULL}};

int pf_open_fs(lua_State *L)
{
    luaL_newlib(L, fs_funcs);
    return 1;
}
