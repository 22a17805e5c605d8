/*
 * lib_db.c: preflight.db, ping and read-only queries of PostgreSQL (libpq).
 *
 * ping(conninfo_or_url [, timeout_ms]) connects with PQconnectStartParams
 * and PQconnectPoll under poll(), runs SELECT 1 the same way, and returns
 * true and the milliseconds it all took, or nil and libpq's message. One
 * deadline, the timeout clamped to the check's remaining time, bounds the
 * whole exchange; connect_timeout is also set (whole seconds, rounded up)
 * as a second fence. Host name lookup inside libpq cannot be interrupted:
 * the runner's kill at the check's deadline is the backstop for it. The
 * password never appears in a message.
 *
 * query(conninfo_or_url, sql, params [, timeout_ms]) runs one statement in
 * a read-only transaction with its parameters bound (never spliced into
 * the SQL), a statement_timeout from the same deadline, and caps on the
 * rows and bytes it returns; rows are Lua tables by column name (db_query
 * says how values map). libpq's own buffers are outside the Lua memory
 * cap; the worker's OS memory limit bounds them (as for ping).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <libpq-fe.h>

#include "lib_net.h"
#include "redact.h"
#include "sandbox.h"

#define DB_MAX_CONNINFO 4096
#define DB_MAX_PARAMS 64 /* connection keywords */

/* query's limits (docs/primitives.md) */
#define DB_MAX_SQL 65536
#define DB_MAX_QUERY_PARAMS 100
#define DB_QUERY_MAX_ROWS 10000
#define DB_QUERY_MAX_BYTES (4 * 1024 * 1024) /* of values' text */

/* the type OIDs query maps to Lua numbers and booleans (pg_type.dat) */
#define DB_OID_BOOL 16
#define DB_OID_INT8 20
#define DB_OID_INT2 21
#define DB_OID_INT4 23
#define DB_OID_FLOAT4 700
#define DB_OID_FLOAT8 701
#define DB_OID_NUMERIC 1700

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Copy msg into out on one line: newlines and tabs become spaces, runs of
 * spaces collapse, trailing space goes; then the whole line is masked
 * (secret, and the run's secrets r) and only then cut to outlen. */
static void one_line(char *out, size_t outlen, const char *msg,
                     const char *secret, const pf_redactor *r)
{
    size_t len = strlen(msg), n = 0, mlen;
    char *flat = malloc(len + 1), *masked;

    /* pf_net_mask writes "***" for each secret of one byte or more: at
     * most three times the input */
    mlen = 3 * len + 1;
    masked = malloc(mlen);
    if (flat == NULL || masked == NULL) {
        free(flat);
        free(masked);
        snprintf(out, outlen, "(PostgreSQL message withheld: out of memory)");
        return;
    }
    for (; *msg != '\0'; msg++) {
        char c = (*msg == '\n' || *msg == '\t' || *msg == '\r') ? ' ' : *msg;
        if (c == ' ' && (n == 0 || flat[n - 1] == ' '))
            continue;
        flat[n++] = c;
    }
    while (n > 0 && flat[n - 1] == ' ')
        n--;
    flat[n] = '\0';
    pf_net_mask(masked, mlen, flat, secret);
    pf_redact_into(r, out, outlen, masked);
    free(flat);
    free(masked);
}

/*
 * libpq words a reply it could not make sense of as "...failed: " and
 * whatever bytes it got ("@", or nothing). When the text after the last
 * "failed:" has fewer than two letters or digits, say so, with that text
 * shown byte by byte (\xHH for anything not printable ASCII).
 */
static void explain_garbled(char *err, size_t errlen)
{
    char *at = NULL, *p = err, tail[64 * 4 + 1];
    size_t alnum = 0, o = 0, i, n;

    while ((p = strstr(p, "failed:")) != NULL)
        at = p++;
    if (at == NULL)
        return;
    at += 7; /* the explanation goes here */
    p = at;
    while (*p == ' ')
        p++;
    n = strlen(p);
    for (i = 0; i < n; i++)
        alnum += (p[i] >= '0' && p[i] <= '9') ||
                 ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z');
    if (alnum >= 2)
        return;
    for (i = 0; i < n && i < 64; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            tail[o++] = (char)c;
        else
            o += (size_t)snprintf(tail + o, sizeof tail - o, "\\x%02X", c);
    }
    tail[o] = '\0';
    snprintf(at, errlen - (size_t)(at - err),
             " the server's reply was not a well-formed PostgreSQL message "
             "(libpq's text: \"%s\"%s)", tail, n > 64 ? "..." : "");
}

/*
 * The password a conninfo string or URL spells, best effort, for masking a
 * message when libpq could not parse the string: the value of password=
 * up to a space, or a URL's userinfo password.
 */
static void guess_password(const char *ci, char *out, size_t outlen)
{
    const char *p = strstr(ci, "password"), *at, *colon, *auth;
    size_t n;

    out[0] = '\0';
    if (p != NULL) {
        p += 8;
        while (*p == ' ')
            p++;
        if (*p == '=') {
            p++;
            while (*p == ' ')
                p++;
            if (*p == '\'')
                p++;
            n = strcspn(p, " '");
            snprintf(out, outlen, "%.*s", (int)n, p);
            return;
        }
    }
    auth = strstr(ci, "://");
    if (auth == NULL)
        return;
    auth += 3;
    at = strchr(auth, '@');
    if (at == NULL)
        return;
    colon = memchr(auth, ':', (size_t)(at - auth));
    if (colon != NULL)
        snprintf(out, outlen, "%.*s", (int)(at - colon - 1), colon + 1);
}

/* Wait until fd is ready for events or the deadline passes. Returns 1
 * ready, 0 deadline, -1 poll failed. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    struct pollfd pfd;

    if (fd < 0)
        return -1;
    for (;;) {
        long left = pf_net_left_ms(deadline);
        int r;
        if (left <= 0)
            return 0;
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

/* "host:port/db" of a started connection, for messages: masked with r
 * whole, then cut to outlen. */
static void describe(PGconn *c, char *out, size_t outlen,
                     const pf_redactor *r)
{
    const char *h = PQhost(c), *p = PQport(c), *d = PQdb(c);
    size_t need;
    char *full;

    h = h && *h ? h : "localhost";
    p = p && *p ? p : "5432";
    d = d ? d : "";
    need = strlen(h) + strlen(p) + strlen(d) + 3;
    full = malloc(need);
    if (full == NULL) {
        snprintf(out, outlen, "(server)");
        return;
    }
    snprintf(full, need, "%s:%s/%s", h, p, d);
    pf_redact_into(r, out, outlen, full);
    free(full);
}

/* libpq's message for c on one line, masked; fallback when it is empty. */
static void pq_message(PGconn *c, const char *secret, const pf_redactor *red,
                       const char *fallback, const char *where, char *err,
                       size_t errlen)
{
    one_line(err, errlen, PQerrorMessage(c), secret, red);
    explain_garbled(err, errlen);
    if (err[0] == '\0')
        snprintf(err, errlen, "%s %s", fallback, where);
}

/*
 * Start a connection with the parsed options and poll it until it is up,
 * under the deadline, then make it non-blocking. *out gets the connection
 * (NULL only when libpq is out of memory); the caller PQfinishes it, also
 * on failure. where gets "host:port/db" for messages. Returns 0, or -1
 * with a message in err.
 */
static int db_connect(const char *const *kw, const char *const *val,
                      uint64_t deadline, long timeout_ms, const char *secret,
                      const pf_redactor *red, PGconn **out, char *where,
                      size_t wherelen, char *err, size_t errlen)
{
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    PGconn *c;
    int r;

    where[0] = '\0';
    *out = c = PQconnectStartParams(kw, val, 0);
    if (c == NULL) {
        snprintf(err, errlen,
                 "out of memory starting a PostgreSQL "
                 "connection");
        return -1;
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    describe(c, where, wherelen, red);
    if (PQstatus(c) == CONNECTION_BAD)
        goto pqerr;
    while (st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED)
            goto pqerr;
        r = wait_fd(PQsocket(c), st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                    deadline);
        if (r == 0) {
            snprintf(err, errlen, "timeout after %ld ms: postgres %s",
                     timeout_ms, where);
            return -1;
        }
        if (r < 0)
            goto pqerr;
        st = PQconnectPoll(c);
    }
    if (PQsetnonblocking(c, 1) == 0)
        return 0;
pqerr:
    pq_message(c, secret, red, "cannot connect to postgres", where, err,
               errlen);
    return -1;
}

/*
 * Flush what was sent on c, then wait for its next result under the
 * deadline. Returns 1 with *res (NULL once the command's results are all
 * read; the caller PQclears it), 0 when the deadline passed, -1 when libpq
 * or poll failed (PQerrorMessage says why).
 */
static int next_result(PGconn *c, uint64_t deadline, PGresult **res)
{
    int r;

    *res = NULL;
    while ((r = PQflush(c)) == 1) {
        if ((r = wait_fd(PQsocket(c), POLLOUT | POLLIN, deadline)) <= 0)
            return r;
        if (!PQconsumeInput(c))
            return -1;
    }
    if (r < 0)
        return -1;
    while (PQisBusy(c)) {
        if ((r = wait_fd(PQsocket(c), POLLIN, deadline)) <= 0)
            return r;
        if (!PQconsumeInput(c))
            return -1;
    }
    *res = PQgetResult(c);
    return 1;
}

/*
 * Connect with the parsed options and run SELECT 1 under the deadline.
 * Returns 0 with the latency in *ms, or -1 with a message in err.
 */
static int db_exchange(const char *const *kw, const char *const *val,
                       long timeout_ms, const char *secret,
                       const pf_redactor *red, double *ms, char *err,
                       size_t errlen)
{
    uint64_t t0 = pf_now_ns(), deadline = t0 + (uint64_t)timeout_ms * 1000000u;
    PGconn *c = NULL;
    PGresult *res = NULL;
    char where[400];
    int rc = -1, r;

    if (db_connect(kw, val, deadline, timeout_ms, secret, red, &c, where,
                   sizeof where, err, errlen) != 0)
        goto cleanup;
    if (!PQsendQuery(c, "SELECT 1"))
        goto pqerr;
    for (;;) {
        if ((r = next_result(c, deadline, &res)) == 0)
            goto timeout;
        if (r < 0)
            goto pqerr;
        if (res == NULL)
            break;
        if (rc == 0) { /* a second result: drain it */
            PQclear(res);
            continue;
        }
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            one_line(err, errlen, PQresultErrorMessage(res), secret, red);
            explain_garbled(err, errlen);
            if (err[0] == '\0')
                snprintf(err, errlen, "SELECT 1 on postgres %s failed: %s",
                         where, PQresStatus(PQresultStatus(res)));
            PQclear(res);
            goto cleanup;
        }
        if (PQntuples(res) != 1 || PQnfields(res) != 1 ||
            strcmp(PQgetvalue(res, 0, 0), "1") != 0) {
            snprintf(err, errlen, "SELECT 1 on postgres %s did not return 1",
                     where);
            PQclear(res);
            goto cleanup;
        }
        PQclear(res);
        rc = 0;
        *ms = (double)(pf_now_ns() - t0) / 1e6;
    }
    if (rc != 0)
        snprintf(err, errlen, "SELECT 1 on postgres %s returned nothing",
                 where);
    goto cleanup;
timeout:
    snprintf(err, errlen, "timeout after %ld ms: postgres %s", timeout_ms,
             where);
    goto cleanup;
pqerr:
    pq_message(c, secret, red, "cannot connect to postgres", where, err,
               errlen);
cleanup:
    PQfinish(c);
    return rc;
}

/*
 * What a call holds while it talks to the server: the parsed connection
 * options (with connect_timeout no longer than the call's timeout), the
 * password for masking, the connection and the result being read. query
 * keeps it in a userdata whose __gc frees it, so a Lua error while rows
 * are built (out of memory) leaks nothing; ping keeps it on the C stack.
 */
typedef struct db_box {
    PQconninfoOption *opts;
    PGconn *c;
    PGresult *res;
    const char *kw[DB_MAX_PARAMS + 2], *val[DB_MAX_PARAMS + 2];
    char cto[24];
    /* the whole password (a conninfo holds at most 4096 bytes): masking
     * with a cut copy would leave its tail in a message */
    char secret[DB_MAX_CONNINFO + 1];
} db_box;

#define DB_BOX_TNAME "preflight.db.call"

/* Free what b holds and wipe the password; b may be freed again. */
static void box_free(db_box *b)
{
    PQclear(b->res);
    b->res = NULL;
    PQfinish(b->c);
    b->c = NULL;
    if (b->opts != NULL)
        PQconninfoFree(b->opts);
    b->opts = NULL;
    memset(b->secret, 0, sizeof b->secret);
}

static int box_gc(lua_State *L)
{
    box_free(luaL_checkudata(L, 1, DB_BOX_TNAME));
    return 0;
}

/*
 * Parse the conninfo string or URL ci into b for a call of timeout_ms.
 * Returns 0; -1 out of memory; -2 a string libpq refuses, with its
 * message (password masked) in msg.
 */
static int box_parse(db_box *b, const char *ci, long timeout_ms,
                     const pf_redactor *red, char *msg, size_t msglen)
{
    PQconninfoOption *o;
    char *perr = NULL;
    long secs = (timeout_ms + 999) / 1000;
    int n = 0, have_cto = 0;

    b->opts = PQconninfoParse(ci, &perr);
    if (b->opts == NULL) {
        if (perr == NULL)
            return -1;
        guess_password(ci, b->secret, sizeof b->secret);
        one_line(msg, msglen, perr, b->secret, red);
        PQfreemem(perr);
        memset(b->secret, 0, sizeof b->secret);
        return -2;
    }
    b->secret[0] = '\0';
    for (o = b->opts; o->keyword != NULL; o++) {
        if (o->val == NULL || n >= DB_MAX_PARAMS)
            continue;
        if (strcmp(o->keyword, "password") == 0)
            snprintf(b->secret, sizeof b->secret, "%s", o->val);
        if (strcmp(o->keyword, "connect_timeout") == 0) {
            long asked = atol(o->val);
            have_cto = 1;
            if (asked <= 0 || asked > secs) {
                snprintf(b->cto, sizeof b->cto, "%ld", secs);
                b->kw[n] = o->keyword;
                b->val[n++] = b->cto;
                continue;
            }
        }
        b->kw[n] = o->keyword;
        b->val[n++] = o->val;
    }
    if (!have_cto) {
        snprintf(b->cto, sizeof b->cto, "%ld", secs);
        b->kw[n] = "connect_timeout";
        b->val[n++] = b->cto;
    }
    b->kw[n] = NULL;
    b->val[n] = NULL;
    return 0;
}

/* The connection string argument: at most 4096 bytes, no NUL. */
static const char *check_conninfo(lua_State *L, int arg)
{
    size_t len;
    const char *ci = luaL_checklstring(L, arg, &len);

    luaL_argcheck(L, len <= DB_MAX_CONNINFO && strlen(ci) == len, arg,
                  "connection string longer than 4096 bytes or with a NUL");
    return ci;
}

/* Push nil and the result of box_parse's failure rc (-1 or -2). */
static int push_parse_failure(lua_State *L, int rc, const char *msg)
{
    luaL_pushfail(L);
    if (rc == -1) {
        lua_pushliteral(L, "out of memory parsing a PostgreSQL "
                           "connection string");
        return 2;
    }
    lua_pushfstring(L, "bad PostgreSQL connection string: %s", msg);
    lua_pushliteral(L, "url"); /* the error's class: not the network */
    return 3;
}

/* ping(conninfo_or_url [, timeout_ms]) -> true, latency_ms | nil, err */
static int db_ping(lua_State *L)
{
    const char *ci = check_conninfo(L, 1);
    long timeout_ms = pf_net_timeout_arg(L, 2);
    const pf_redactor *red = pf_sandbox_of(L)->redactor;
    db_box b;
    char msg[1200];
    double ms = 0;
    int rc;

    memset(&b, 0, sizeof b);
    if ((rc = box_parse(&b, ci, timeout_ms, red, msg, sizeof msg)) != 0)
        return push_parse_failure(L, rc, msg);
    rc = db_exchange(b.kw, b.val, timeout_ms, b.secret, red, &ms, msg,
                     sizeof msg);
    pf_sandbox_deadline_check(L);
    box_free(&b);
    if (rc != 0) {
        luaL_pushfail(L);
        lua_pushstring(L, msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_pushnumber(L, ms);
    return 2;
}

/*
 * Check the params table at arg (an array of strings, numbers, booleans
 * and nil; `n`, as table.pack sets it, may give the count so that
 * trailing nils count) and push a table of their text forms, params[i]
 * -> text or absent for nil. Returns the count. Raises on misuse.
 */
static int push_param_texts(lua_State *L, int arg)
{
    lua_Integer n = 0, max = 0, k;
    char num[64];

    luaL_checktype(L, arg, LUA_TTABLE);
    lua_createtable(L, 0, 0); /* texts */
    lua_pushnil(L);
    while (lua_next(L, arg) != 0) {
        size_t klen;
        if (lua_type(L, -2) == LUA_TSTRING &&
            strcmp(lua_tolstring(L, -2, &klen), "n") == 0 && klen == 1) {
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 ||
                lua_tointeger(L, -1) > DB_MAX_QUERY_PARAMS)
                luaL_argerror(L, arg, "params.n must be an integer from 0 "
                                      "to 100");
            n = lua_tointeger(L, -1);
            lua_pop(L, 1); /* drop n */
            continue;
        }
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
            lua_tointeger(L, -2) > DB_MAX_QUERY_PARAMS)
            luaL_argerror(L, arg, "params must be an array of at most 100 "
                                  "values (keys 1 to 100, and n)");
        k = lua_tointeger(L, -2);
        if (k > max)
            max = k;
        switch (lua_type(L, -1)) {
        case LUA_TSTRING:
            if (pf_tostring_nonul(L, -1, NULL) == NULL)
                luaL_argerror(L, arg, lua_pushfstring(L, "params[%I] contains "
                                                         "a NUL byte", k));
            lua_pushvalue(L, -1);
            break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, -1)) {
                lua_pushfstring(L, "%I", lua_tointeger(L, -1));
                break;
            }
            if (!isfinite(lua_tonumber(L, -1)))
                luaL_argerror(L, arg, lua_pushfstring(L, "params[%I] is not a "
                                                         "finite number", k));
            snprintf(num, sizeof num, "%.17g", (double)lua_tonumber(L, -1));
            lua_pushstring(L, num);
            break;
        case LUA_TBOOLEAN:
            lua_pushstring(L, lua_toboolean(L, -1) ? "true" : "false");
            break;
        default:
            luaL_argerror(L, arg,
                          lua_pushfstring(L, "params[%I] is a %s; a parameter "
                                             "is a string, number, boolean "
                                             "or nil", k, luaL_typename(L, -1)));
        }
        lua_rawseti(L, -4, k); /* texts[k] = text */
        lua_pop(L, 1);         /* drop value, keep key */
    }
    if (n != 0 && n < max)
        luaL_argerror(L, arg, "params.n is less than the highest index");
    return (int)(n > max ? n : max);
}

/* Significant digits of a decimal's text ("-0012.50" -> 4). */
static size_t sig_digits(const char *s)
{
    size_t n = 0, zeros_lead = 1;

    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (*s == '0' && zeros_lead)
            continue;
        zeros_lead = 0;
        n++;
    }
    return n;
}

/* Push s (len bytes) as a Lua integer and return 1, or push nothing and
 * return 0 when it is not one. */
static int push_integer(lua_State *L, const char *s, size_t len)
{
    size_t r = lua_stringtonumber(L, s);

    if (r == 0)
        return 0;
    if (r == len + 1 && lua_isinteger(L, -1))
        return 1;
    lua_pop(L, 1); /* drop a float or a cut number */
    return 0;
}

/*
 * Push the text form s of a value of type oid as a Lua value: int2, int4,
 * int8 as integers; float4, float8 as floats; numeric as a number when it
 * has at most 15 significant digits (then its decimal text survives the
 * trip through a double), else the exact text; bool as a boolean; NaN of
 * any type as the string "NaN" (so that a comparison with it raises
 * instead of quietly being false); anything else, and anything that does
 * not convert, as the server's text.
 */
static void push_value(lua_State *L, Oid oid, const char *s, size_t len)
{
    char *end;
    double d;

    switch (oid) {
    case DB_OID_BOOL:
        if (len == 1 && (s[0] == 't' || s[0] == 'f')) {
            lua_pushboolean(L, s[0] == 't');
            return;
        }
        break;
    case DB_OID_INT2:
    case DB_OID_INT4:
    case DB_OID_INT8:
        if (push_integer(L, s, len))
            return;
        break;
    case DB_OID_FLOAT4:
    case DB_OID_FLOAT8:
    case DB_OID_NUMERIC:
        if (strcmp(s, "NaN") == 0)
            break;
        if (strcmp(s, "Infinity") == 0 || strcmp(s, "-Infinity") == 0) {
            lua_pushnumber(L, s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
            return;
        }
        if (oid == DB_OID_NUMERIC && sig_digits(s) > 15)
            break;
        if (oid == DB_OID_NUMERIC && strchr(s, '.') == NULL &&
            push_integer(L, s, len))
            return; /* a whole number: an integer */
        errno = 0;
        d = strtod(s, &end);
        if (end != s && *end == '\0' && errno == 0) {
            lua_pushnumber(L, d);
            return;
        }
        break;
    default:
        break;
    }
    lua_pushlstring(L, s, len);
}

/* The statement_timeout for a query with left_ms to go: a margin before
 * the call's own deadline, so that the server cancels the statement and
 * says so before the client gives up on it. Never 0 (0 turns it off). */
static long statement_timeout_ms(long left_ms)
{
    long margin = left_ms / 5;

    if (margin < 10)
        margin = 10;
    if (margin > 500)
        margin = 500;
    return left_ms - margin >= 1 ? left_ms - margin : 1;
}

/*
 * Read results of the last command sent on b->c until there are no more
 * (the deadline bounds it). Returns 0 when every result was a success, 1
 * when the deadline passed, -1 with a message in err otherwise.
 */
static int drain(db_box *b, uint64_t deadline, const pf_redactor *red,
                 const char *where, char *err, size_t errlen)
{
    int r, rc = 0;

    for (;;) {
        if ((r = next_result(b->c, deadline, &b->res)) == 0)
            return 1;
        if (r < 0) {
            pq_message(b->c, b->secret, red, "lost the connection to postgres",
                       where, err, errlen);
            return -1;
        }
        if (b->res == NULL)
            return rc;
        if (rc == 0 && PQresultStatus(b->res) != PGRES_COMMAND_OK &&
            PQresultStatus(b->res) != PGRES_TUPLES_OK) {
            char said[1000];
            one_line(said, sizeof said, PQresultErrorMessage(b->res),
                     b->secret, red);
            snprintf(err, errlen, "postgres %s: %s", where,
                     said[0] ? said : PQresStatus(PQresultStatus(b->res)));
            rc = -1;
        }
        PQclear(b->res);
        b->res = NULL;
    }
}

/*
 * The column names of res as a Lua array, pushed; returns NULL, or a
 * message naming a column that appears twice (a row could hold only one
 * of them).
 */
static const char *push_names(lua_State *L, const PGresult *res)
{
    int nf = PQnfields(res), j;

    lua_createtable(L, nf, 0);     /* names */
    lua_createtable(L, 0, nf);     /* seen */
    for (j = 0; j < nf; j++) {
        const char *name = PQfname(res, j);
        if (lua_getfield(L, -1, name) != LUA_TNIL) {
            lua_pop(L, 2); /* drop the flag and seen */
            return name;
        }
        lua_pop(L, 1); /* drop nil */
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, name);
        lua_pushstring(L, name);
        lua_rawseti(L, -3, j + 1);
    }
    lua_pop(L, 1); /* drop seen */
    return NULL;
}

/*
 * query(conninfo_or_url, sql, params [, timeout_ms]) -> rows | nil, err
 *
 * One call: connect, BEGIN TRANSACTION READ ONLY with a statement_timeout
 * from the time left (and a first snapshot, so that SET TRANSACTION READ
 * WRITE is refused), the one statement sql with params bound by
 * PQsendQueryParams (never spliced into the text), rows read one at a
 * time against the row and byte caps, then ROLLBACK and disconnect.
 */
static int db_query(lua_State *L)
{
    const char *ci = check_conninfo(L, 1);
    size_t sqllen;
    const char *sql = (luaL_checktype(L, 2, LUA_TSTRING),
                       pf_checklstring_nonul(L, 2, &sqllen));
    long timeout_ms = pf_net_timeout_arg(L, 4);
    const pf_redactor *red = pf_sandbox_of(L)->redactor;
    const char *vals[DB_MAX_QUERY_PARAMS], *dup;
    char msg[1600], where[400], setup[160];
    uint64_t deadline;
    size_t bytes = 0;
    lua_Integer nrows = 0;
    int np, i, r, nf = -1, rows_at, names_at;
    db_box *b;

    luaL_argcheck(L, sqllen <= DB_MAX_SQL, 2, "SQL longer than 65536 bytes");
    lua_settop(L, 4);
    np = push_param_texts(L, 3); /* 5: texts */
    for (i = 0; i < np; i++) {
        lua_rawgeti(L, 5, i + 1);
        vals[i] = lua_tostring(L, -1); /* NULL for nil; texts anchors it */
        lua_pop(L, 1);                 /* drop text */
    }
    b = lua_newuserdatauv(L, sizeof *b, 0); /* 6 */
    memset(b, 0, sizeof *b);
    if (luaL_newmetatable(L, DB_BOX_TNAME)) {
        lua_pushcfunction(L, box_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    if ((r = box_parse(b, ci, timeout_ms, red, msg, sizeof msg)) != 0) {
        box_free(b);
        return push_parse_failure(L, r, msg);
    }
    deadline = pf_now_ns() + (uint64_t)timeout_ms * 1000000u;
    lua_createtable(L, 0, 0); /* 7: rows */
    rows_at = lua_gettop(L);
    names_at = rows_at + 1;
    if (db_connect(b->kw, b->val, deadline, timeout_ms, b->secret, red, &b->c,
                   where, sizeof where, msg, sizeof msg) != 0)
        goto failed;
    snprintf(setup, sizeof setup,
             "BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = %ld; "
             "SELECT 1",
             statement_timeout_ms(pf_net_left_ms(deadline)));
    if (!PQsendQuery(b->c, setup))
        goto pqerr;
    if ((r = drain(b, deadline, red, where, msg, sizeof msg)) != 0) {
        if (r > 0)
            goto timeout;
        goto failed;
    }
    if (!PQsendQueryParams(b->c, sql, np, NULL, vals, NULL, NULL, 0) ||
        !PQsetSingleRowMode(b->c))
        goto pqerr;
    for (;;) {
        ExecStatusType st;
        if ((r = next_result(b->c, deadline, &b->res)) == 0)
            goto timeout;
        if (r < 0)
            goto pqerr;
        if (b->res == NULL)
            break;
        st = PQresultStatus(b->res);
        if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
            if (nf < 0) {
                nf = PQnfields(b->res);
                if ((dup = push_names(L, b->res)) != NULL) {
                    snprintf(msg, sizeof msg, "postgres %s: the column name "
                             "\"%.100s\" appears twice in the result; name "
                             "each column (AS)", where, dup);
                    goto failed;
                }
            }
            for (int row = 0; row < PQntuples(b->res); row++) {
                if (++nrows > DB_QUERY_MAX_ROWS) {
                    snprintf(msg, sizeof msg, "postgres %s: the query "
                             "returned more than %d rows (the cap); aggregate "
                             "in SQL or add a LIMIT", where,
                             DB_QUERY_MAX_ROWS);
                    goto failed;
                }
                lua_createtable(L, 0, nf);
                for (int j = 0; j < nf; j++) {
                    size_t len = (size_t)PQgetlength(b->res, row, j);
                    bytes += len;
                    if (bytes > DB_QUERY_MAX_BYTES) {
                        snprintf(msg, sizeof msg, "postgres %s: the query "
                                 "returned more than %d bytes of values (the "
                                 "cap); aggregate in SQL or add a LIMIT",
                                 where, DB_QUERY_MAX_BYTES);
                        goto failed;
                    }
                    if (PQgetisnull(b->res, row, j))
                        continue; /* NULL: the field is absent (nil) */
                    lua_rawgeti(L, names_at, j + 1);
                    push_value(L, PQftype(b->res, j),
                               PQgetvalue(b->res, row, j), len);
                    lua_rawset(L, -3);
                }
                lua_rawseti(L, rows_at, nrows);
            }
        } else if (st != PGRES_COMMAND_OK) {
            char said[1000];
            one_line(said, sizeof said, PQresultErrorMessage(b->res),
                     b->secret, red);
            snprintf(msg, sizeof msg, "postgres %s: %s", where,
                     said[0] ? said
                     : st == PGRES_EMPTY_QUERY ? "the SQL is empty"
                                               : PQresStatus(st));
            goto failed;
        }
        PQclear(b->res);
        b->res = NULL;
    }
    /* end the transaction politely while there is time; closing the
     * connection would end it as well */
    if (PQsendQuery(b->c, "ROLLBACK"))
        (void)drain(b, deadline, red, where, msg, sizeof msg);
    box_free(b);
    pf_sandbox_deadline_check(L);
    lua_pushvalue(L, rows_at);
    return 1;
timeout:
    snprintf(msg, sizeof msg, "timeout after %ld ms: postgres %s", timeout_ms,
             where);
    goto failed;
pqerr:
    pq_message(b->c, b->secret, red, "lost the connection to postgres", where,
               msg, sizeof msg);
failed:
    box_free(b);
    pf_sandbox_deadline_check(L);
    luaL_pushfail(L);
    lua_pushstring(L, msg);
    return 2;
}

static const luaL_Reg db_funcs[] = {
    {"ping", db_ping}, {"query", db_query}, {NULL, NULL}};

int pf_open_db(lua_State *L)
{
    luaL_newlib(L, db_funcs);
    return 1;
}
