/*
 * worker.c: one check in one process.
 *
 * A worker is forked by the runner and serves jobs: for each it reads the
 * check file, makes a fresh sandbox, loads the file as text, validates the
 * check table with raw reads, tells the parent the check's own timeout,
 * runs `run(ctx)` under the limits, copies the outcome into C memory,
 * closes the state, and only then sends the result. The parent decides
 * what the result is worth; the worker only reports.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "atomic.h"
#include "buf.h"
#include "proto.h"
#include "worker.h"
#include "sha256.h"

/* private memory a worker may use beyond the Lua cap (library buffers;
 * under ASan also its quarantine and redzones) */
#if defined(__SANITIZE_ADDRESS__)
#define PF_WORKER_DATA_SLACK ((rlim_t)160 << 20)
#else
#define PF_WORKER_DATA_SLACK ((rlim_t)96 << 20)
#endif

/* Write all of p or fail. */
static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A C copy of the string at idx, at most max bytes after redaction, NUL
 * bytes replaced so the text stays one C string. */
static char *copy_str(lua_State *L, int idx, const pf_redactor *r, size_t max)
{
    size_t len, i;
    const char *s = lua_tolstring(L, idx, &len);
    char *c, *m;

    c = malloc(len + 1);
    if (c == NULL)
        return NULL;
    for (i = 0; i < len; i++)
        c[i] = s[i] ? s[i] : '?';
    c[len] = '\0';
    m = pf_redact_cut(r, c, max); /* mask, then cut */
    free(c);
    return m;
}

/* Push the error text m of the error object at the top: the string
 * itself when it is one (whole, embedded NULs included, for copy_str to
 * show as '?'), else m. */
static void push_whole(lua_State *L, const char *m)
{
    if (lua_type(L, -1) == LUA_TSTRING)
        lua_pushvalue(L, -1);
    else
        lua_pushstring(L, m);
}

/* Read the check file (a regular file, capped). Returns a malloc'd buffer
 * or NULL with err set. */
static char *read_check_file(const char *file, size_t *len, char *err,
                             size_t errlen)
{
    int fd;
    struct stat st;
    char *buf = NULL;
    size_t total = 0;

    /* a symlinked check could point anywhere: what runs must be the file
     * that was reviewed in the folder. O_NOFOLLOW refuses one (ELOOP);
     * lstat only words the message */
    fd = pf_open_regular(file, O_NOFOLLOW, err, errlen);
    if (fd < 0 && errno == ELOOP && lstat(file, &st) == 0 &&
        S_ISLNK(st.st_mode)) {
        snprintf(err, errlen, "%s is a symlink; check files must be regular "
                              "files", file);
        return NULL;
    }
    if (fd < 0)
        return NULL; /* err names it: missing, a FIFO, a folder... */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a regular file", file);
        goto fail;
    }
    if (st.st_size > PF_MAX_CHECK_FILE) {
        snprintf(err, errlen, "%s is larger than %ld bytes", file,
                 (long)PF_MAX_CHECK_FILE);
        goto fail;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory reading %s", file);
        goto fail;
    }
    for (;;) {
        ssize_t r = read(fd, buf + total, (size_t)st.st_size + 1 - total);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "cannot read %s: %s", file, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        total += (size_t)r;
        if (total > (size_t)st.st_size) {
            snprintf(err, errlen, "%s changed while being read", file);
            goto fail;
        }
    }
    close(fd);
    *len = total;
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}

typedef struct meta_field meta_field;

/* Set the field's message for a wrong value as c's contract error; -1. */
static int meta_bad(pf_check *c, const meta_field *f);

/*
 * One known field of the check table: its name, the Lua type its value
 * must have, whether it may be absent, the message for a wrong value, and
 * read, called with a value of that type on top of the stack: it checks
 * the rest and fills c, returning 0, or -1 with c's error set. The table
 * below is the one list of known fields (the order they are checked in).
 */
struct meta_field {
    const char *name;
    int type;
    int optional;
    const char *bad;
    int (*read)(lua_State *L, pf_check *c, const pf_redactor *r,
                const meta_field *f);
};

static int meta_bad(pf_check *c, const meta_field *f)
{
    pf_check_set_error(c, PF_REASON_CONTRACT, "%s", f->bad);
    return -1;
}

/* id: the whole string (an "a.b\0../../x" is not "a.b") must be valid. */
static int meta_id(lua_State *L, pf_check *c, const pf_redactor *r,
                   const meta_field *f)
{
    (void)r;
    if (!pf_id_valid(pf_tostring_nonul(L, -1, NULL)))
        return meta_bad(c, f);
    c->id = strdup(lua_tostring(L, -1));
    return 0;
}

/* title: 1 to PF_MAX_TITLE bytes, no NUL; kept masked. */
static int meta_title(lua_State *L, pf_check *c, const pf_redactor *r,
                      const meta_field *f)
{
    if (lua_rawlen(L, -1) == 0 || lua_rawlen(L, -1) > PF_MAX_TITLE)
        return meta_bad(c, f);
    if (pf_tostring_nonul(L, -1, NULL) == NULL) {
        pf_check_set_error(c, PF_REASON_CONTRACT,
                           "title must not contain a NUL byte");
        return -1;
    }
    c->title = copy_str(L, -1, r, PF_MAX_TITLE * 4);
    return 0;
}

/* tags: a list (no other keys) of at most PF_MAX_TAGS valid tags. */
static int meta_tags(lua_State *L, pf_check *c, const pf_redactor *r,
                     const meta_field *f)
{
    lua_Unsigned len = lua_rawlen(L, -1), k;
    int extra = 0;

    (void)r;
    (void)f;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        extra += !lua_isinteger(L, -2);
        lua_pop(L, 1); /* drop value */
    }
    if (extra || len > PF_MAX_TAGS) {
        pf_check_set_error(c, PF_REASON_CONTRACT,
                           "tags must be a list of at most %d strings",
                           PF_MAX_TAGS);
        return -1;
    }
    for (k = 1; k <= len; k++) {
        if (lua_rawgeti(L, -1, (lua_Integer)k) != LUA_TSTRING ||
            !pf_tag_valid(pf_tostring_nonul(L, -1, NULL))) {
            pf_check_set_error(c, PF_REASON_CONTRACT,
                               "tag %d must be a string matching "
                               "^[a-z0-9_-]+$", (int)k);
            return -1;
        }
        c->tags[c->ntags++] = strdup(lua_tostring(L, -1));
        lua_pop(L, 1); /* drop tag */
    }
    return 0;
}

/* An integer from lo to hi, or the field's message. */
static int meta_int(lua_State *L, pf_check *c, const meta_field *f,
                    lua_Integer lo, lua_Integer hi)
{
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < lo ||
        lua_tointeger(L, -1) > hi)
        return meta_bad(c, f);
    return 0;
}

/* timeout_ms: 1 to 86400000. */
static int meta_timeout(lua_State *L, pf_check *c, const pf_redactor *r,
                        const meta_field *f)
{
    (void)r;
    if (meta_int(L, c, f, 1, 86400000) != 0)
        return -1;
    c->timeout_ms = (long)lua_tointeger(L, -1);
    return 0;
}

/* guard_failures (8.1): failed guard cycles in a row before the guard
 * acts (8.8), 1 to 5 (default 1). */
static int meta_guard(lua_State *L, pf_check *c, const pf_redactor *r,
                      const meta_field *f)
{
    (void)r;
    if (meta_int(L, c, f, 1, 5) != 0)
        return -1;
    c->guard_failures = (int)lua_tointeger(L, -1);
    return 0;
}

#define META_STR_(x) #x
#define META_STR(x) META_STR_(x)

static const meta_field meta_fields[] = {
    {"id", LUA_TSTRING, 0,
     "id must be a string matching ^[a-z0-9][a-z0-9_.-]*$ (at most 128 "
     "bytes)", meta_id},
    {"title", LUA_TSTRING, 0,
     "title must be a non-empty string of at most " META_STR(PF_MAX_TITLE)
     " bytes", meta_title},
    {"tags", LUA_TTABLE, 1, "tags must be a list", meta_tags},
    {"timeout_ms", LUA_TNUMBER, 1, "timeout_ms must be a positive integer",
     meta_timeout},
    {"run", LUA_TFUNCTION, 0, "run must be a function", NULL},
    {"guard_failures", LUA_TNUMBER, 1,
     "guard_failures must be an integer from 1 to 5", meta_guard},
};
#define META_NFIELDS (sizeof meta_fields / sizeof meta_fields[0])

/* The field of meta_fields named k, or NULL. */
static const meta_field *meta_find(const char *k)
{
    size_t i;

    for (i = 0; k != NULL && i < META_NFIELDS; i++) {
        if (strcmp(k, meta_fields[i].name) == 0)
            return &meta_fields[i];
    }
    return NULL;
}

/* The contract error for the key on top of the stack, which is not a known
 * field: its text masked and cut, and the names of meta_fields. */
static void meta_unknown(lua_State *L, pf_check *c, const pf_redactor *r,
                         const char *k)
{
    char b[64], known[128];
    size_t i, n = 0;

    if (k != NULL) {
        /* the check's own text: masked, then cut */
        char *m = copy_str(L, -1, r, 40);
        snprintf(b, sizeof b, "%s", m ? m : "?");
        free(m);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        snprintf(b, sizeof b, "a key with a NUL byte");
    } else {
        snprintf(b, sizeof b, "a %s key", luaL_typename(L, -1));
    }
    known[0] = '\0';
    for (i = 0; i < META_NFIELDS && n < sizeof known; i++) {
        int w = snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "",
                         meta_fields[i].name);
        n += w > 0 ? (size_t)w : 0;
    }
    pf_check_set_error(c, PF_REASON_CONTRACT,
                       "unknown field \"%s\" in the check table (known: %s)",
                       b, known);
}

/*
 * Validate the check table at the top with raw reads only and fill id,
 * title, tags, timeout_ms: first every key must be a field of meta_fields,
 * then each field in table order. Returns 0, or -1 with a contract error
 * set.
 */
static int read_meta(lua_State *L, pf_check *c, const pf_redactor *r)
{
    int t = lua_gettop(L);
    size_t i;

    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pop(L, 1); /* drop value */
        const char *k = pf_tostring_nonul(L, -1, NULL); /* whole keys */
        if (meta_find(k) == NULL) {
            meta_unknown(L, c, r, k);
            lua_pop(L, 1); /* drop key */
            return -1;
        }
    }
    for (i = 0; i < META_NFIELDS; i++) {
        const meta_field *f = &meta_fields[i];
        int type;

        lua_pushstring(L, f->name);
        type = lua_rawget(L, t);
        if (type == LUA_TNIL && f->optional) {
            lua_pop(L, 1);
            continue;
        }
        if (type != f->type)
            return meta_bad(c, f);
        if (f->read != NULL && f->read(L, c, r, f) != 0)
            return -1;
        lua_pop(L, 1); /* drop the value */
    }
    return 0;
}

/* Copy the result userdata at idx into c (status, message, details). */
static void read_result(lua_State *L, int idx, pf_check *c,
                        const pf_redactor *r)
{
    int *st = luaL_testudata(L, idx, PF_RESULT_TNAME);

    c->status = (pf_status)*st;
    c->reason = PF_REASON_NONE;
    lua_getiuservalue(L, idx, 1);
    lua_getfield(L, -1, "message"); /* our own table: no metamethods */
    c->message = copy_str(L, -1, r, PF_MAX_MESSAGE);
    lua_pop(L, 1); /* drop message */
    if (lua_getfield(L, -1, "details") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2) != 0 && c->ndetails < PF_MAX_DETAILS) {
            pf_detail *d = &c->details[c->ndetails++];
            char num[64];
            d->key = copy_str(L, -2, r, PF_MAX_KEY * 4);
            switch (lua_type(L, -1)) {
            case LUA_TSTRING:
                d->type = PF_DETAIL_STRING;
                d->value = copy_str(L, -1, r, PF_MAX_VALUE);
                break;
            case LUA_TBOOLEAN:
                d->type = PF_DETAIL_BOOLEAN;
                d->value = strdup(lua_toboolean(L, -1) ? "true" : "false");
                break;
            default:
                if (lua_isinteger(L, -1)) {
                    d->type = PF_DETAIL_INTEGER;
                    snprintf(num, sizeof num, "%lld",
                             (long long)lua_tointeger(L, -1));
                } else {
                    d->type = PF_DETAIL_NUMBER;
                    snprintf(num, sizeof num, "%.17g",
                             (double)lua_tonumber(L, -1));
                }
                d->value = strdup(num);
                break;
            }
            lua_pop(L, 1); /* drop value */
        }
    }
    lua_pop(L, 2); /* drop details and the user value */
}

/* Turn the sticky flags into the outcome: they win over anything the
 * script returned or caught. */
static void apply_flags(pf_sandbox *sb, pf_check *c, long budget_ms)
{
    /* a C primitive can run past the deadline between two hook calls;
     * whatever the script returned after that does not count */
    if (pf_now_ns() >= sb->deadline_ns)
        sb->timeout = 1;
    if (sb->timeout)
        pf_check_set_error(c, PF_REASON_TIMEOUT,
                           "timeout: ran past its %ld ms budget", budget_ms);
    else if (sb->oom && sb->os_oom)
        pf_check_set_error(c, PF_REASON_MEMORY,
                           "memory: the system refused memory at %zu MiB, "
                           "under the %zu MiB per-check limit (the "
                           "process's address-space limit, RLIMIT_AS / "
                           "ulimit -v, or the machine is out of memory)",
                           sb->used >> 20, sb->conf->memory_bytes >> 20);
    else if (sb->oom)
        pf_check_set_error(c, PF_REASON_MEMORY,
                           "memory: exceeded the %zu MiB limit",
                           sb->conf->memory_bytes >> 20);
}

void pf_worker_one(const pf_worker_config *cfg, const char *file, int kind,
                   uint64_t start_ns, int start_fd, pf_check *out)
{
    pf_sandbox sb = {0};
    lua_State *L;
    char err[512], chunkname[4200], ebuf[160];
    char *text = NULL;
    size_t len = 0;
    long budget = cfg->timeout_ms;
    int status, nres, base;

    pf_check_clear(out);
    text = read_check_file(file, &len, err, sizeof err);
    if (text == NULL) {
        pf_check_set_error(out, PF_REASON_LOAD, "%s", err);
        goto done;
    }
    pf_sha256_hex(text, len, out->sha256);
    if (pf_sandbox_open(&sb, &cfg->sb, start_ns + (uint64_t)budget * 1000000u)
        != 0) {
        pf_check_set_error(out, PF_REASON_MEMORY,
                           "memory: cannot create the Lua state");
        goto done;
    }
    L = sb.L;
    sb.redactor = cfg->redactor; /* primitives mask before they cut */
    sb.report = out;             /* require records what it compiles */
    snprintf(chunkname, sizeof chunkname, "@%s", file);
    if (luaL_loadbufferx(L, text, len, chunkname, "t") != LUA_OK) {
        char *m = copy_str(L, -1, cfg->redactor, 400);
        pf_check_set_error(out, sb.oom ? PF_REASON_MEMORY : PF_REASON_LOAD,
                           "load: %s", m ? m : "?");
        free(m);
        goto closing;
    }
    free(text);
    text = NULL;
    base = lua_gettop(L) - 1;
    status = pf_sandbox_pcall(L, 0);
    nres = lua_gettop(L) - base;
    if (status != LUA_OK) {
        const char *m = pf_sandbox_errtext(L, ebuf, sizeof ebuf);
        push_whole(L, m); /* a NUL shows as '?', the rest is not cut */
        char *c = copy_str(L, -1, cfg->redactor, 400);
        pf_check_set_error(out, PF_REASON_LOAD, "load: %s", c ? c : "?");
        free(c);
        goto flags;
    }
    if (nres != 1 || lua_type(L, -1) != LUA_TTABLE) {
        pf_check_set_error(out, PF_REASON_CONTRACT,
                           "the file must return one check table (got %d "
                           "value%s, first a %s)", nres, nres == 1 ? "" : "s",
                           nres ? luaL_typename(L, base + 1) : "nothing");
        goto flags;
    }
    if (read_meta(L, out, cfg->redactor) != 0)
        goto flags;
    if (out->timeout_ms > 0 && out->timeout_ms < budget)
        budget = out->timeout_ms;
    if (kind == PF_JOB_META ||
        !pf_selected(cfg->select, out->id, out->tags, out->ntags)) {
        out->status = PF_STATUS_NOT_SELECTED;
        out->reason = PF_REASON_NONE;
        free(out->message);
        out->message = strdup(kind == PF_JOB_META ? "loaded"
                                                  : "deselected by --tag");
        goto flags;
    }
    sb.deadline_ns = start_ns + (uint64_t)budget * 1000000u;
    if (start_fd >= 0) {
        pf_buf b;
        pf_buf_init(&b);
        pf_proto_start(&b, (uint32_t)budget, out->id);
        if (b.oom || write_all(start_fd, b.data, b.len) != 0)
            _exit(3);
        pf_buf_free(&b);
    }
    lua_pushliteral(L, "run");
    lua_rawget(L, -2);
    lua_createtable(L, 0, 4); /* ctx */
    lua_pushstring(L, cfg->sb.mode);
    lua_setfield(L, -2, "mode");
    /* "guard" in guard cycles (8.8) and with run --phase guard */
    lua_pushstring(L, cfg->sb.phase != NULL ? cfg->sb.phase : "start");
    lua_setfield(L, -2, "phase");
    lua_pushstring(L, out->id);
    lua_setfield(L, -2, "id");
    lua_pushinteger(L, budget);
    lua_setfield(L, -2, "timeout_ms");
    base = lua_gettop(L) - 2;
    status = pf_sandbox_pcall(L, 1);
    nres = lua_gettop(L) - base;
    if (status != LUA_OK) {
        const char *m = pf_sandbox_errtext(L, ebuf, sizeof ebuf);
        char *c;
        push_whole(L, m); /* a NUL shows as '?', the rest is not cut */
        c = copy_str(L, -1, cfg->redactor, PF_MAX_MESSAGE);
        pf_check_set_error(out, sb.oom && status == LUA_ERRMEM
                                    ? PF_REASON_MEMORY
                                    : PF_REASON_RUNTIME,
                           "%s", c ? c : "error");
        free(c);
    } else if (nres != 1) {
        pf_check_set_error(out, PF_REASON_CONTRACT,
                           "run returned %d values; it must return exactly "
                           "one, made by preflight.pass, preflight.fail "
                           "or preflight.skip",
                           nres);
    } else if (luaL_testudata(L, -1, PF_RESULT_TNAME) == NULL) {
        pf_check_set_error(out, PF_REASON_CONTRACT,
                           "run returned a %s; only a value made by "
                           "preflight.pass, preflight.fail or "
                           "preflight.skip counts",
                           luaL_typename(L, -1));
    } else {
        read_result(L, lua_gettop(L), out, cfg->redactor);
    }
flags: /* every path that ran Lua: the sticky flags win */
    apply_flags(&sb, out, budget);
closing:
    pf_log_take(&sb, out); /* kept whatever the outcome */
    pf_sandbox_close(&sb);
done:
    free(text);
    out->duration_ms = (double)(pf_now_ns() - start_ns) / 1e6;
}

#if defined(__SANITIZE_ADDRESS__)
/* ASan's allocator reports and exits when the OS refuses memory; under
 * the worker's RLIMIT_DATA malloc must return NULL instead, as in a plain
 * build, so libraries fail as they do in production. Freed blocks wait in
 * ASan's quarantine, private memory too: keep it to 32 MiB (the default
 * is 256) so a worker that runs many checks stays inside its limit. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:quarantine_size_mb=32";
}
#endif

/* This process's total and private writable memory (statm's size and
 * data: VmSize and VmData + VmStk) in bytes, both 0 when unknown. */
static void vm_now(rlim_t *size, rlim_t *data)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long v[6] = {0};

    *size = *data = 0;
    if (f == NULL)
        return;
    if (fscanf(f, "%lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5]) == 6) {
        *size = (rlim_t)v[0] * 4096u;
        *data = (rlim_t)v[5] * 4096u;
    }
    fclose(f);
}

/* Limits of the worker process itself, a backstop behind the allocator:
 * the buffers of hiredis, libpq and libcurl are outside the Lua cap, so a
 * peer could otherwise grow a worker without bound. RLIMIT_DATA caps the
 * private memory the worker may add to what it has at fork: the Lua cap
 * plus PF_WORKER_DATA_SLACK for library buffers, so its peak RSS stays
 * under --memory-mb + 128 MiB whatever a peer sends (in an ASan build,
 * 64 MiB more: see __asan_default_options). */
static void limit_process(const pf_worker_config *cfg)
{
    struct rlimit rl = {0, 0};
    rlim_t size, data;

    setrlimit(RLIMIT_CORE, &rl); /* a crash dump could hold secrets */
    vm_now(&size, &data);
    if (data > 0) {
        rl.rlim_cur = rl.rlim_max =
            data + cfg->sb.memory_bytes + PF_WORKER_DATA_SLACK;
        setrlimit(RLIMIT_DATA, &rl);
    }
#if !defined(__SANITIZE_ADDRESS__) && !defined(PF_NO_RLIMIT_AS)
    rl.rlim_cur = rl.rlim_max = size + 2 * cfg->sb.memory_bytes + (512u << 20);
    setrlimit(RLIMIT_AS, &rl);
#endif
}

void pf_worker_main(const pf_worker_config *cfg, const pf_check *checks,
                    size_t n, int job_fd, int result_fd)
{
    unsigned char jb[16];
    pf_check c;
    pf_job job;

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    /* a crash must end the process, not run a handler the parent had */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    limit_process(cfg);
    memset(&c, 0, sizeof c);
    for (;;) {
        size_t got = 0;
        pf_buf b;
        while (got < sizeof jb) {
            ssize_t r = read(job_fd, jb + got, sizeof jb - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                _exit(0); /* parent closed the pipe: done */
            got += (size_t)r;
        }
        pf_job_unpack(jb, &job);
        if (job.index >= n)
            _exit(4);
        /* a job queued behind another starts its clock when it begins */
        pf_worker_one(cfg, checks[job.index].file, (int)job.kind,
                      job.start_ns ? job.start_ns : pf_now_ns(), result_fd,
                      &c);
        c.has_job_index = 1;
        c.job_index = job.index;
        pf_buf_init(&b);
        pf_proto_result(&b, &c);
        if (b.oom || write_all(result_fd, b.data, b.len) != 0)
            _exit(3);
        pf_buf_free(&b);
        pf_check_clear(&c);
    }
}
