/*
 * test_netwrap.c: cmocka tests of preflight.http, preflight.redis and
 * preflight.db paths that a real server cannot easily produce, with the
 * network libraries replaced by link-time wraps.
 *
 * Needs these link options (CMakeLists.txt, "network tests" block):
 *   -Wl,--wrap=curl_easy_init -Wl,--wrap=curl_easy_perform
 *   -Wl,--wrap=curl_easy_setopt -Wl,--wrap=curl_easy_getinfo
 *   -Wl,--wrap=redisConnectWithTimeout -Wl,--wrap=PQconnectStartParams
 *
 * The curl wraps record every option the host sets, and a fake perform
 * drives the host's own header and body callbacks with a scripted
 * response, so the response pipeline, the caps and the error wording are
 * tested without a socket. The Redis wrap hands the host one end of a
 * socketpair whose other end the test scripts. The libpq wrap records the
 * parameters (connect_timeout) and fails like an allocation failure.
 * Each test runs a Lua snippet in a real sandbox in "real" HTTP mode.
 */
/* cmocka.h needs these first */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <lauxlib.h>
#include <libpq-fe.h>

#include "lib_net.h"
#include "sandbox.h"
#include "testutil.h"

/* ---- curl wraps --------------------------------------------------------- */

CURL *__real_curl_easy_init(void);
CURL *__wrap_curl_easy_init(void);
CURLcode __real_curl_easy_setopt(CURL *h, CURLoption opt, ...);
CURLcode __wrap_curl_easy_setopt(CURL *h, CURLoption opt, ...);
CURLcode __real_curl_easy_perform(CURL *h);
CURLcode __wrap_curl_easy_perform(CURL *h);
CURLcode __real_curl_easy_getinfo(CURL *h, CURLINFO info, ...);
CURLcode __wrap_curl_easy_getinfo(CURL *h, CURLINFO info, ...);

typedef size_t (*data_cb)(char *, size_t, size_t, void *);

static struct {
    int init_fails;
    CURLoption fail_opt; /* setopt of this option fails, when not 0 */
    /* recorded options */
    long verifypeer, verifyhost, follow, timeout_ms, connect_timeout_ms;
    curl_off_t maxfilesize;
    char protocols[64], redir_protocols[64], url[512];
    data_cb write_cb, header_cb;
    void *write_data, *header_data;
    /* the scripted transfer */
    const char *const *header_lines; /* NULL-ended */
    size_t body_bytes;               /* sent in 16 KiB chunks of 'b' */
    CURLcode rc;
    long status;
    long os_errno;
    const char *errtext; /* copied to the error buffer when set */
    char *errbuf;
    int performed;
} cw;

CURL *__wrap_curl_easy_init(void)
{
    if (cw.init_fails)
        return NULL;
    return __real_curl_easy_init();
}

CURLcode __wrap_curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    va_list ap;
    CURLcode rc;

    va_start(ap, opt);
    if (cw.fail_opt != 0 && opt == cw.fail_opt) {
        va_end(ap);
        return CURLE_UNKNOWN_OPTION;
    }
    if (opt < CURLOPTTYPE_OBJECTPOINT) {
        long v = va_arg(ap, long);
        if (opt == CURLOPT_SSL_VERIFYPEER)
            cw.verifypeer = v;
        if (opt == CURLOPT_SSL_VERIFYHOST)
            cw.verifyhost = v;
        if (opt == CURLOPT_FOLLOWLOCATION)
            cw.follow = v;
        if (opt == CURLOPT_TIMEOUT_MS)
            cw.timeout_ms = v;
        if (opt == CURLOPT_CONNECTTIMEOUT_MS)
            cw.connect_timeout_ms = v;
        rc = __real_curl_easy_setopt(h, opt, v);
    } else if (opt < CURLOPTTYPE_OFF_T) {
        void *p = va_arg(ap, void *);
        if (opt == CURLOPT_PROTOCOLS_STR)
            snprintf(cw.protocols, sizeof cw.protocols, "%s", (char *)p);
        if (opt == CURLOPT_REDIR_PROTOCOLS_STR)
            snprintf(cw.redir_protocols, sizeof cw.redir_protocols, "%s",
                     (char *)p);
        if (opt == CURLOPT_URL)
            snprintf(cw.url, sizeof cw.url, "%s", (char *)p);
        if (opt == CURLOPT_WRITEFUNCTION)
            cw.write_cb = (data_cb)p;
        if (opt == CURLOPT_HEADERFUNCTION)
            cw.header_cb = (data_cb)p;
        if (opt == CURLOPT_WRITEDATA)
            cw.write_data = p;
        if (opt == CURLOPT_HEADERDATA)
            cw.header_data = p;
        if (opt == CURLOPT_ERRORBUFFER)
            cw.errbuf = p;
        rc = __real_curl_easy_setopt(h, opt, p);
    } else if (opt < CURLOPTTYPE_BLOB) {
        curl_off_t v = va_arg(ap, curl_off_t);
        if (opt == CURLOPT_MAXFILESIZE_LARGE)
            cw.maxfilesize = v;
        rc = __real_curl_easy_setopt(h, opt, v);
    } else {
        rc = __real_curl_easy_setopt(h, opt, va_arg(ap, void *));
    }
    va_end(ap);
    return rc;
}

/* Play the scripted response through the host's callbacks. */
CURLcode __wrap_curl_easy_perform(CURL *h)
{
    static char chunk[16384];
    size_t i, left;

    (void)h;
    cw.performed++;
    if (cw.errtext != NULL && cw.errbuf != NULL)
        snprintf(cw.errbuf, CURL_ERROR_SIZE, "%s", cw.errtext);
    for (i = 0; cw.header_lines && cw.header_lines[i]; i++) {
        size_t n = strlen(cw.header_lines[i]);
        if (cw.header_cb((char *)cw.header_lines[i], 1, n, cw.header_data) != n)
            return CURLE_WRITE_ERROR;
    }
    memset(chunk, 'b', sizeof chunk);
    for (left = cw.body_bytes; left > 0;) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        if (cw.write_cb(chunk, 1, n, cw.write_data) != n)
            return CURLE_WRITE_ERROR;
        left -= n;
    }
    return cw.rc;
}

CURLcode __wrap_curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
    va_list ap;
    void *p;

    va_start(ap, info);
    p = va_arg(ap, void *);
    va_end(ap);
    if (info == CURLINFO_RESPONSE_CODE) {
        *(long *)p = cw.status;
        return CURLE_OK;
    }
    if (info == CURLINFO_OS_ERRNO) {
        *(long *)p = cw.os_errno;
        return CURLE_OK;
    }
    return __real_curl_easy_getinfo(h, info, p);
}

/* ---- hiredis and libpq wraps -------------------------------------------- */

redisContext *__real_redisConnectWithTimeout(const char *ip, int port,
                                             const struct timeval tv);
redisContext *__wrap_redisConnectWithTimeout(const char *ip, int port,
                                             const struct timeval tv);
PGconn *__real_PQconnectStartParams(const char *const *kw,
                                    const char *const *val, int expand);
PGconn *__wrap_PQconnectStartParams(const char *const *kw,
                                    const char *const *val, int expand);

static struct {
    int fail;           /* return NULL */
    const char *script; /* what the server says, written at connect */
    int hangup;         /* close the server's end after the script */
    int peer;           /* the server's end of the socketpair, or -1 */
    char host[64];
    int port;
    long tv_ms;
} rw = {0, NULL, 0, -1, "", 0, 0};

redisContext *__wrap_redisConnectWithTimeout(const char *ip, int port,
                                             const struct timeval tv)
{
    int sv[2];

    snprintf(rw.host, sizeof rw.host, "%s", ip);
    rw.port = port;
    rw.tv_ms = (long)tv.tv_sec * 1000 + (long)tv.tv_usec / 1000;
    if (rw.fail)
        return NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return NULL;
    if (rw.script != NULL && write(sv[1], rw.script, strlen(rw.script)) !=
                                 (ssize_t)strlen(rw.script))
        return NULL;
    if (rw.hangup)
        close(sv[1]);
    else
        rw.peer = sv[1];
    return redisConnectFd(sv[0]);
}

static struct {
    char connect_timeout[32];
    char password[64];
    int calls;
} pw;

PGconn *__wrap_PQconnectStartParams(const char *const *kw,
                                    const char *const *val, int expand)
{
    size_t i;

    (void)expand;
    pw.calls++;
    pw.connect_timeout[0] = pw.password[0] = '\0';
    for (i = 0; kw[i] != NULL; i++) {
        if (strcmp(kw[i], "connect_timeout") == 0)
            snprintf(pw.connect_timeout, sizeof pw.connect_timeout, "%s",
                     val[i]);
        if (strcmp(kw[i], "password") == 0)
            snprintf(pw.password, sizeof pw.password, "%s", val[i]);
    }
    return NULL; /* as libpq does when it cannot allocate */
}

/* ---- running Lua in a sandbox ------------------------------------------- */

static char out[2048];

/* Run code (which returns one string) in a fresh sandbox in real HTTP mode
 * with budget_ms left; the string, or "error: <text>", is left in out. */
static const char *run(const char *code, long budget_ms)
{
    pf_sandbox_conf conf = test_conf("real");

    return run_lua(&conf, code, budget_ms, out, sizeof out);
}

static int reset(void **state)
{
    (void)state;
    memset(&cw, 0, sizeof cw);
    cw.rc = CURLE_OK;
    cw.status = 200;
    memset(&rw, 0, sizeof rw);
    rw.peer = -1;
    memset(&pw, 0, sizeof pw);
    return 0;
}

static int close_peer(void **state)
{
    (void)state;
    if (rw.peer >= 0)
        close(rw.peer);
    rw.peer = -1;
    return 0;
}

#define REQ(args)                                                              \
    "local r, e = preflight.http.request{" args "}\n"                          \
    "if not r then return 'nil, ' .. e end\n"                                  \
    "local names = {}\n"                                                       \
    "for k, v in pairs(r.headers) do names[#names + 1] = k .. '=' .. v end\n"  \
    "table.sort(names)\n"                                                      \
    "return r.status .. ' ' .. #r.body .. ' ' .. table.concat(names, ';')"

/* ---- HTTP --------------------------------------------------------------- */

static void test_http_options_are_safe(void **state)
{
    (void)state;
    cw.header_lines =
        (const char *const[]){"HTTP/1.1 200 OK\r\n", "\r\n", NULL};
    assert_string_equal(
        run(REQ("url = 'https://x.test/a', timeout_ms = 60000"), 800),
        "200 0 ");
    assert_int_equal(cw.verifypeer, 1);
    assert_int_equal(cw.verifyhost, 2);
    assert_string_equal(cw.protocols, "http,https");
    assert_string_equal(cw.redir_protocols, "http,https");
    assert_int_equal(cw.follow, 0);
    assert_int_equal(cw.maxfilesize, 4L << 20);
    assert_string_equal(cw.url, "https://x.test/a");
    /* 60 s asked, 800 ms left: clamped */
    assert_true(cw.timeout_ms > 0 && cw.timeout_ms <= 800);
    assert_int_equal(cw.connect_timeout_ms, cw.timeout_ms);

    run(REQ("url = 'http://x.test/', follow_redirects = true, "
            "max_body_bytes = 100"),
        5000);
    assert_int_equal(cw.follow, 1);
    assert_int_equal(cw.maxfilesize, 100);
    assert_int_equal(cw.verifypeer, 1);
}

static void test_http_response_pipeline(void **state)
{
    (void)state;
    cw.header_lines = (const char *const[]){"HTTP/1.1 302 Found\r\n",
                                            "Location: /b\r\n",
                                            "\r\n",
                                            "HTTP/1.1 200 OK\r\n",
                                            "Content-Type:  text/plain \r\n",
                                            "X-Dup: 1\r\n",
                                            "X-DUP: 2\r\n",
                                            "\r\n",
                                            NULL};
    cw.body_bytes = 40000;
    cw.status = 200;
    /* only the last response's headers, lower-cased, repeats joined */
    assert_string_equal(run(REQ("url = 'https://x.test/a'"), 5000),
                        "200 40000 content-type=text/plain;x-dup=1, 2");
}

static void test_http_body_over_cap(void **state)
{
    (void)state;
    cw.header_lines = (const char *const[]){"HTTP/1.1 200 OK\r\n", NULL};
    cw.body_bytes = (4u << 20) + 1;
    assert_string_equal(run(REQ("url = 'https://x.test/big'"), 5000),
                        "nil, response body larger than 4194304 bytes: GET "
                        "https://x.test/big");
    cw.body_bytes = 101;
    assert_string_equal(run(REQ("url = 'https://x.test/big', "
                                "max_body_bytes = 100"),
                            5000),
                        "nil, response body larger than 100 bytes: GET "
                        "https://x.test/big");
    cw.body_bytes = 100;
    assert_string_equal(run(REQ("url = 'https://x.test/big', "
                                "max_body_bytes = 100"),
                            5000),
                        "200 100 ");
}

static void test_http_too_many_headers(void **state)
{
    static const char *lines[PF_HTTP_MAX_HEADERS + 3];
    static char store[PF_HTTP_MAX_HEADERS + 1][32];
    int i;

    (void)state;
    lines[0] = "HTTP/1.1 200 OK\r\n";
    for (i = 0; i <= PF_HTTP_MAX_HEADERS; i++) {
        snprintf(store[i], sizeof store[i], "X-H%d: v\r\n", i);
        lines[i + 1] = store[i];
    }
    lines[PF_HTTP_MAX_HEADERS + 2] = NULL;
    cw.header_lines = lines;
    assert_string_equal(run(REQ("url = 'https://x.test/h'"), 5000),
                        "nil, response headers over the limit (100 headers, "
                        "65536 bytes): GET https://x.test/h");
}

static const struct {
    CURLcode rc;
    long os_errno;
    const char *errtext;
    const char *want;
} curl_errors[] = {
    {CURLE_COULDNT_CONNECT, ECONNREFUSED, "Failed to connect",
     "nil, connection refused: GET https://u:***@x.test/p?q=1"},
    {CURLE_COULDNT_CONNECT, EHOSTUNREACH, "Failed to connect to x.test",
     "nil, Failed to connect to x.test: GET https://u:***@x.test/p?q=1"},
    {CURLE_OPERATION_TIMEDOUT, 0, "Operation timed out",
     "nil, timeout after 300 ms: GET https://u:***@x.test/p?q=1"},
    {CURLE_PEER_FAILED_VERIFICATION, 0, "SSL certificate problem",
     "nil, TLS failed (SSL certificate problem): GET "
     "https://u:***@x.test/p?q=1"},
    {CURLE_UNSUPPORTED_PROTOCOL, 0, "Protocol \"ftp\" not supported",
     "nil, refused a redirect or URL outside http and https (Protocol "
     "\"ftp\" not supported): GET https://u:***@x.test/p?q=1"},
    {CURLE_UNSUPPORTED_PROTOCOL, 0, "Received HTTP/0.9 when not allowed",
     "nil, the server's reply is not a valid HTTP response (no HTTP/1.x "
     "status line, or HTTP/0.9; Received HTTP/0.9 when not allowed): GET "
     "https://u:***@x.test/p?q=1"},
    {CURLE_WEIRD_SERVER_REPLY, 0, "Unsupported HTTP version in response",
     "nil, the server's reply is not a valid HTTP response (no HTTP/1.x "
     "status line, or HTTP/0.9; Unsupported HTTP version in response): GET "
     "https://u:***@x.test/p?q=1"},
    {CURLE_OUT_OF_MEMORY, 0, NULL,
     "nil, out of memory: GET https://u:***@x.test/p?q=1"},
    {CURLE_GOT_NOTHING, 0, NULL,
     "nil, Server returned nothing (no headers, no data): GET "
     "https://u:***@x.test/p?q=1"},
};

static void test_http_error_wording(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof curl_errors / sizeof curl_errors[0]; i++) {
        reset(NULL);
        cw.rc = curl_errors[i].rc;
        cw.os_errno = curl_errors[i].os_errno;
        cw.errtext = curl_errors[i].errtext;
        cw.status = 0; /* no status line read */
        run(REQ("url = 'https://u:hunter2@x.test/p?q=1', timeout_ms = 300"),
            5000);
        if (strcmp(out, curl_errors[i].want) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, out,
                     curl_errors[i].want);
    }
}

/* libcurl refuses a header line over its 100 KB limit with its out of
 * memory code, after the status line was read: that is what is said */
static void test_http_header_too_large(void **state)
{
    (void)state;
    reset(NULL);
    cw.rc = CURLE_OUT_OF_MEMORY;
    cw.status = 200;
    assert_string_equal(run(REQ("url = 'https://x.test/h'"), 5000),
                        "nil, response header too large (a header line over "
                        "libcurl's 100 KB limit): GET https://x.test/h");
}

static void test_http_init_fails(void **state)
{
    (void)state;
    cw.init_fails = 1;
    assert_string_equal(run(REQ("url = 'https://x.test/'"), 5000),
                        "nil, cannot start an HTTP request (libcurl out of "
                        "memory): GET https://x.test/");
    assert_int_equal(cw.performed, 0);
}

/* a libcurl that refuses a safety option does not run the request */
static void test_http_setopt_refused(void **state)
{
    static const CURLoption opts[] = {
        CURLOPT_PROTOCOLS_STR,  CURLOPT_REDIR_PROTOCOLS_STR,
        CURLOPT_SSL_VERIFYPEER, CURLOPT_SSL_VERIFYHOST,
        CURLOPT_TIMEOUT_MS,     CURLOPT_MAXFILESIZE_LARGE,
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        reset(NULL);
        cw.fail_opt = opts[i];
        run(REQ("url = 'https://x.test/'"), 5000);
        if (strncmp(out, "nil, libcurl refused CURLOPT_", 29) != 0 ||
            strstr(out, "; request not sent: GET https://x.test/") == NULL)
            fail_msg("option %d: got \"%s\"", (int)opts[i], out);
        assert_int_equal(cw.performed, 0);
    }
}

static void test_http_bad_status(void **state)
{
    (void)state;
    cw.status = 0;
    assert_string_equal(run(REQ("url = 'https://x.test/'"), 5000),
                        "nil, no valid HTTP status in the response: GET "
                        "https://x.test/");
}

static void test_http_mock_mode_never_calls_curl(void **state)
{
    pf_sandbox_conf conf = test_conf("mock");

    (void)state;
    conf.fixtures_dir = "/nonexistent/fixtures";
    assert_string_equal(
        run_lua(&conf, REQ("url = 'https://x.test/'"), 5000, out, sizeof out),
        "nil, cannot open fixtures folder "
        "/nonexistent/fixtures: No such file or directory");
    assert_int_equal(cw.performed, 0);
    assert_string_equal(cw.url, "");
}

static void test_http_mock_headers_over_the_cap(void **state)
{
    pf_sandbox_conf conf = test_conf("mock");
    char dir[] = "/tmp/pf-netwrap.XXXXXX", path[64], cmd[96];
    FILE *f;
    int i, j;

    (void)state;
    /* nine header values of 8000 bytes: each within a fixture's limit,
     * together over the 64 KiB a response may carry; the check must hear
     * that, not "out of memory" */
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/h.json", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"request\":{\"method\":\"GET\",\"url\":\"https://x.test/h\"},"
          "\"response\":{\"status\":200,\"headers\":{",
          f);
    for (i = 0; i < 9; i++) {
        fprintf(f, "%s\"h%d\":\"", i ? "," : "", i);
        for (j = 0; j < 8000; j++)
            fputc('v', f);
        fputc('"', f);
    }
    fputs("}}}", f);
    assert_int_equal(fclose(f), 0);
    conf.fixtures_dir = dir;
    run_lua(&conf, REQ("url = 'https://x.test/h'"), 5000, out, sizeof out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_string_equal(out, "nil, response headers over the limit (100 "
                             "headers, 65536 bytes): GET https://x.test/h");
    assert_int_equal(cw.performed, 0);
}

/* ---- Redis -------------------------------------------------------------- */

#define PING(url, t)                                                           \
    "local ok, r = preflight.redis.ping('" url "'" t ")\n"                     \
    "if ok then return 'ok ' .. type(r) end\n"                                 \
    "return 'nil, ' .. r"

static void test_redis_connect_oom(void **state)
{
    (void)state;
    rw.fail = 1;
    assert_string_equal(run(PING("redis://:pw@10.0.0.1:7000/3", ", 250"), 5000),
                        "nil, out of memory connecting to redis "
                        "redis://:***@10.0.0.1:7000/3");
    assert_string_equal(rw.host, "10.0.0.1");
    assert_int_equal(rw.port, 7000);
    assert_true(rw.tv_ms > 0 && rw.tv_ms <= 250);
}

static const struct {
    const char *script; /* every reply the server sends, at once */
    int hangup;
    const char *url;
    const char *want;
} redis_rows[] = {
    {"+PONG\r\n", 0, "redis://h:1", "ok number"},
    {"+OK\r\n+OK\r\n+PONG\r\n", 0, "redis://u:s3cret@h:1/4", "ok number"},
    {"+NOTPONG\r\n", 0, "redis://h:1",
     "nil, PING on redis redis://h:1: expected PONG, got NOTPONG"},
    {":1\r\n", 0, "redis://h:1",
     "nil, PING on redis redis://h:1: expected PONG, got a reply of another "
     "type"},
    /* a server that echoes the password is masked too */
    {"-WRONGPASS s3cret is wrong\r\n", 0, "redis://u:s3cret@h:1",
     "nil, AUTH refused by redis redis://u:***@h:1: WRONGPASS *** is wrong"},
    {"+OK\r\n-ERR DB index is out of range\r\n", 0, "redis://:s3cret@h:1/99",
     "nil, SELECT refused by redis redis://:***@h:1/99: ERR DB index is out "
     "of range"},
    {"", 1, "redis://h:1",
     "nil, PING failed on redis redis://h:1: Broken pipe"},
    {"$-1\r\n", 0, "redis://h:1",
     "nil, PING on redis redis://h:1: expected PONG, got a reply of another "
     "type"},
    /* a server that says nothing: the read times out at timeout_ms */
    {"", 0, "redis://h:1", "nil, timeout after 200 ms: redis redis://h:1"},
};

static void test_redis_replies(void **state)
{
    size_t i;
    char code[512];

    (void)state;
    for (i = 0; i < sizeof redis_rows / sizeof redis_rows[0]; i++) {
        reset(NULL);
        rw.script = redis_rows[i].script;
        rw.hangup = redis_rows[i].hangup;
        snprintf(code, sizeof code,
                 "local ok, r = preflight.redis.ping('%s', 200)\n"
                 "if ok then return 'ok ' .. type(r) end\n"
                 "return 'nil, ' .. r",
                 redis_rows[i].url);
        run(code, 5000);
        close_peer(NULL);
        if (strcmp(out, redis_rows[i].want) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, out,
                     redis_rows[i].want);
    }
}

/* ---- PostgreSQL --------------------------------------------------------- */

#define DBPING(ci, t)                                                          \
    "local ok, r = preflight.db.ping('" ci "'" t ")\n"                         \
    "if ok then return 'ok' end\n"                                             \
    "return 'nil, ' .. r"

static void test_db_connect_oom_and_timeout(void **state)
{
    (void)state;
    assert_string_equal(
        run(DBPING("host=h user=u password=pw9", ", 1500"), 5000),
        "nil, out of memory starting a PostgreSQL connection");
    assert_int_equal(pw.calls, 1);
    assert_string_equal(pw.connect_timeout, "2"); /* 1.5 s rounds up */
    assert_string_equal(pw.password, "pw9");

    run(DBPING("postgresql://u:pw@h/db?connect_timeout=1", ", 5000"), 8000);
    assert_string_equal(pw.connect_timeout, "1"); /* a smaller ask stays */
    run(DBPING("host=h connect_timeout=30", ", 2000"), 8000);
    assert_string_equal(pw.connect_timeout, "2"); /* a larger one is cut */
    run(DBPING("host=h", ""), 300); /* no timeout: the time left */
    assert_string_equal(pw.connect_timeout, "1");
    run(DBPING("host=h", ", 100"), 5000);
    assert_string_equal(pw.connect_timeout, "1"); /* at least 1 s */
}

static void test_db_bad_conninfo_refused_masked(void **state)
{
    (void)state;
    run(DBPING("host=h password=top-secret =oops", ""), 5000);
    assert_non_null(strstr(out, "nil, bad PostgreSQL connection string"));
    assert_null(strstr(out, "top-secret"));
    assert_int_equal(pw.calls, 0);
}

/* ---- masking helpers ---------------------------------------------------- */

static void test_mask_helpers(void **state)
{
    static const struct {
        const char *in, *want;
    } urls[] = {
        {"https://u:pw@h/x", "https://u:***@h/x"},
        {"https://:pw@h", "https://:***@h"},
        {"https://u@h/x", "https://u@h/x"},
        {"https://h/x?a=b@c:d", "https://h/x?a=b@c:d"},
        {"redis://u:p@ss@h:1/0", "redis://u:***@h:1/0"},
        {"not a url", "not a url"},
    };
    char buf[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        pf_net_mask_url(buf, sizeof buf, urls[i].in);
        assert_string_equal(buf, urls[i].want);
    }
    pf_net_mask(buf, sizeof buf, "a pw b pwpw", "pw");
    assert_string_equal(buf, "a *** b ******");
    pf_net_mask(buf, sizeof buf, "nothing", "");
    assert_string_equal(buf, "nothing");
    pf_net_mask(buf, 4, "abcdef", NULL);
    assert_string_equal(buf, "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_http_options_are_safe, reset),
        cmocka_unit_test_setup(test_http_response_pipeline, reset),
        cmocka_unit_test_setup(test_http_body_over_cap, reset),
        cmocka_unit_test_setup(test_http_too_many_headers, reset),
        cmocka_unit_test_setup(test_http_error_wording, reset),
        cmocka_unit_test_setup(test_http_header_too_large, reset),
        cmocka_unit_test_setup(test_http_init_fails, reset),
        cmocka_unit_test_setup(test_http_setopt_refused, reset),
        cmocka_unit_test_setup(test_http_bad_status, reset),
        cmocka_unit_test_setup(test_http_mock_mode_never_calls_curl, reset),
        cmocka_unit_test_setup(test_http_mock_headers_over_the_cap, reset),
        cmocka_unit_test_setup_teardown(test_redis_connect_oom, reset,
                                        close_peer),
        cmocka_unit_test_setup_teardown(test_redis_replies, reset, close_peer),
        cmocka_unit_test_setup(test_db_connect_oom_and_timeout, reset),
        cmocka_unit_test_setup(test_db_bad_conninfo_refused_masked, reset),
        cmocka_unit_test(test_mask_helpers),
    };

    signal(SIGPIPE, SIG_IGN); /* as a worker does: a closed peer is EPIPE */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
