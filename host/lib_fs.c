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
 * entry names, at most FS_LIST_MAX of them. statvfs resolves and confines
 * its path the same way and tells the free and total bytes of the file
 * system that holds it.
 */
#define _GNU_SOURCE /* O_PATH */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <lauxlib.h>

#include "atomic.h"
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

/* path as is when absolute, else root/path written into buf (len bytes). */
static const char *from_root(const char *root, const char *path, char *buf,
                             size_t len)
{
    if (path[0] == '/')
        return path;
    snprintf(buf, len, "%s/%s", root, path);
    return buf;
}

static int fs_stat(lua_State *L)
{
    pf_sandbox *sb = pf_sandbox_of(L);
    char full[PATH_MAX + 8];
    const char *path =
        from_root(sb->conf->root, pf_checklstring_nonul(L, 1, NULL), full,
                  sizeof full);
    struct stat st;

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

/*
 * Resolve the path in argument 1 (relative ones from the root) with
 * realpath into real and confine it below the root. Returns 0, or pushes
 * fail, a message (and errno when realpath failed) and returns their
 * count, for the primitive to return as is.
 */
static int resolve_below_root(lua_State *L, char real[PATH_MAX])
{
    const char *root = pf_sandbox_of(L)->conf->root;
    const char *name = pf_checklstring_nonul(L, 1, NULL);
    char rel[PATH_MAX + 8];

    if (realpath(from_root(root, name, rel, sizeof rel), real) == NULL)
        return luaL_fileresult(L, 0, name);
    if (!below_root(root, real)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: outside the project root", name);
        return 2;
    }
    return 0;
}

/*
 * read(path [, max_bytes]) -> contents | nil, err [, errno]. The buffer is
 * always closed (luaL_pushresult) before a failure is pushed, so nothing is
 * pushed above an open luaL_Buffer.
 */
static int fs_read(lua_State *L)
{
    const char *name = pf_checklstring_nonul(L, 1, NULL);
    lua_Integer max = luaL_optinteger(L, 2, FS_READ_DEFAULT);
    char real[PATH_MAX], msg[600];
    struct stat st;
    luaL_Buffer b;
    int fd, nret;
    ssize_t n;
    size_t total = 0;

    luaL_argcheck(L, max > 0 && max <= FS_READ_MAX, 2,
                  "max_bytes must be between 1 and 16 MiB");
    if ((nret = resolve_below_root(L, real)) != 0)
        return nret;
    fd = pf_open_regular(real, O_NOFOLLOW, msg, sizeof msg);
    if (fd < 0 && errno != EINVAL)
        return luaL_fileresult(L, 0, name);
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: not a regular file", name);
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
        if (total > (size_t)max)
            break;
        luaL_addsize(&b, (size_t)n);
    }
    close(fd);
    luaL_pushresult(&b);
    if (n >= 0 && total <= (size_t)max)
        return 1;
    lua_pop(L, 1); /* drop the partial contents */
    luaL_pushfail(L);
    if (n < 0)
        lua_pushfstring(L, "%s: read failed", name);
    else
        lua_pushfstring(L, "%s: larger than %d bytes", name, (int)max);
    return 2;
}

typedef struct name_list {
    char **names;
    size_t n;
} name_list;

/* Free a name_list (given as void * to serve pf_sandbox_push_owned). */
static void name_list_free(void *ud)
{
    name_list *nl = ud;
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
 * sequence. Runs under pf_sandbox_push_owned so a memory error cannot
 * leak it. */
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
    char real[PATH_MAX];
    name_list nl = {NULL, 0};
    int rc;

    if ((rc = resolve_below_root(L, real)) != 0)
        return rc;
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
    return pf_sandbox_push_owned(L, push_names, &nl, name_list_free);
}

/*
 * statvfs(path) -> {free_bytes, total_bytes} | nil, err [, errno]. The path
 * is confined below the root like read's; the resolved path is opened
 * with O_PATH (no read, no device open) and O_NOFOLLOW, so a symlink put
 * there after realpath is measured where it stands, never followed out.
 * free_bytes is what an unprivileged user may still write (f_bavail).
 */
static int fs_statvfs(lua_State *L)
{
    char real[PATH_MAX];
    struct statvfs v;
    int fd, rc, saved;

    if ((rc = resolve_below_root(L, real)) != 0)
        return rc;
    fd = open(real, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    rc = fstatvfs(fd, &v);
    saved = errno;
    close(fd);
    if (rc != 0) {
        errno = saved;
        return luaL_fileresult(L, 0, luaL_checkstring(L, 1));
    }
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, (lua_Integer)((unsigned long long)v.f_bavail *
                                     (unsigned long long)v.f_frsize));
    lua_setfield(L, -2, "free_bytes");
    lua_pushinteger(L, (lua_Integer)((unsigned long long)v.f_blocks *
                                     (unsigned long long)v.f_frsize));
    lua_setfield(L, -2, "total_bytes");
    return 1;
}

static const luaL_Reg fs_funcs[] = {
    {"list", fs_list},
    {"read", fs_read},
    {"stat", fs_stat},
    {"statvfs", fs_statvfs},
    {NULL, NULL}};

int pf_open_fs(lua_State *L)
{
    luaL_newlib(L, fs_funcs);
    return 1;
}
