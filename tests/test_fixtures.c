/*
 * test_fixtures.c: cmocka tests of the mock HTTP fixture format
 * (host/fixtures.c).
 *
 * Table-driven: valid fixtures with every field they should yield, then
 * malformed ones with the reason an operator would read; then the folder
 * lookup (match, miss, duplicates, one bad file failing every lookup,
 * hidden and non-JSON files ignored) and body files (confined to the
 * folder, symlinks included, size-capped), on temporary folders.
 */
/* cmocka.h needs these first */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- valid fixtures ----------------------------------------------------- */

static const struct {
    const char *text;
    const char *method, *url;
    pf_fix_kind kind;
    int status;
    size_t nheaders;
    const char *h0name, *h0value; /* first header, or NULL */
    const char *body;             /* NULL: no inline body */
    size_t body_len;
    const char *body_file;
    long delay_ms;
} good[] = {
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/x?q=1\"},"
     "\"response\":{\"status\":200,\"body\":\"hi\"}}",
     "GET", "https://a.test/x?q=1", PF_FIX_RESPONSE, 200, 0, NULL, NULL, "hi",
     2, NULL, 0},
    /* headers lower-cased, delay, JSON body kept as written */
    {"{\"description\":\"d\",\"request\":{\"url\":\"http://a.test/\","
     "\"method\":\"POST\"},\"response\":{\"status\":429,\"headers\":"
     "{\"Retry-After\":\"2\",\"X-RateLimit-Remaining\":\"0\"},"
     "\"body\":{\"a\": [1, 2]},\"delay_ms\":150}}",
     "POST", "http://a.test/", PF_FIX_RESPONSE, 429, 2, "retry-after", "2",
     "{\"a\": [1, 2]}", 13, NULL, 150},
    /* escapes, a surrogate pair, an embedded NUL in the body */
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/e\"},"
     "\"response\":{\"status\":200,\"body\":\"a\\n\\u00e9\\ud83d\\ude00"
     "\\u0000z\\\"\"}}",
     "GET", "https://a.test/e", PF_FIX_RESPONSE, 200, 0, NULL, NULL,
     "a\n\xc3\xa9\xf0\x9f\x98\x80\0z\"", 11, NULL, 0},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/f\"},"
     "\"response\":{\"status\":200,\"body_file\":\"bodies/b.json\"}}",
     "GET", "https://a.test/f", PF_FIX_RESPONSE, 200, 0, NULL, NULL, NULL, 0,
     "bodies/b.json", 0},
    {"{\"request\":{\"method\":\"DELETE\",\"url\":\"https://a.test/t\"},"
     "\"error\":\"timeout\"}",
     "DELETE", "https://a.test/t", PF_FIX_TIMEOUT, 0, 0, NULL, NULL, NULL, 0,
     NULL, 0},
    {"\xEF\xBB\xBF "
     "{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/r\"},"
     "\"error\":\"refused\"}\n",
     "GET", "https://a.test/r", PF_FIX_REFUSED, 0, 0, NULL, NULL, NULL, 0, NULL,
     0},
    /* a response without a body has an empty one */
    {"{\"request\":{\"method\":\"HEAD\",\"url\":\"https://a.test/h\"},"
     "\"response\":{\"status\":204}}",
     "HEAD", "https://a.test/h", PF_FIX_RESPONSE, 204, 0, NULL, NULL, NULL, 0,
     NULL, 0},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/z\"},"
     "\"response\":{\"status\":599,\"delay_ms\":600000}}",
     "GET", "https://a.test/z", PF_FIX_RESPONSE, 599, 0, NULL, NULL, NULL, 0,
     NULL, 600000},
};

static void test_parse_valid_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(good); i++) {
        pf_fixture fx;
        char err[300] = "";
        int rc = pf_fixture_parse(good[i].text, strlen(good[i].text), &fx, err,
                                  sizeof err);
        if (rc != 0)
            fail_msg("row %zu: rc %d: %s", i, rc, err);
        assert_string_equal(fx.method, good[i].method);
        assert_string_equal(fx.url, good[i].url);
        assert_int_equal(fx.kind, good[i].kind);
        assert_int_equal(fx.status, good[i].status);
        assert_int_equal(fx.nheaders, good[i].nheaders);
        if (good[i].h0name != NULL) {
            assert_string_equal(fx.headers[0].name, good[i].h0name);
            assert_string_equal(fx.headers[0].value, good[i].h0value);
        }
        if (good[i].body == NULL) {
            assert_null(fx.body);
        } else {
            assert_non_null(fx.body);
            assert_int_equal(fx.body_len, good[i].body_len);
            assert_memory_equal(fx.body, good[i].body, good[i].body_len);
        }
        if (good[i].body_file == NULL)
            assert_null(fx.body_file);
        else
            assert_string_equal(fx.body_file, good[i].body_file);
        assert_int_equal(fx.delay_ms, good[i].delay_ms);
        pf_fixture_free(&fx);
        assert_null(fx.method);
    }
}

/* ---- malformed fixtures ------------------------------------------------- */

#define REQ "\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\"}"

static const struct {
    const char *text;
    const char *why; /* a substring of the reason */
} bad[] = {
    {"", "line 1: unexpected end of text"},
    {"[]", "a fixture must be a JSON object"},
    {"{", "line 1: expected a string key"},
    {"{\"request\":}", "line 1: unexpected character '}'"},
    {"{\n\n \"a\" 1}", "line 3: expected ':' after a key"},
    {"{" REQ ",\"response\":{\"status\":200}} x", "text after the JSON value"},
    {"{" REQ ",\"response\":{\"status\":200}}}", "text after the JSON value"},
    {"{" REQ ",\"response\":{\"status\":200,}}", "expected a string key"},
    {"{" REQ ",\"response\":{\"status\":0200}}", "leading zeros"},
    {"{" REQ ",\"response\":{\"status\":\"200\"}}",
     "response.status must be an integer from 100 to 599"},
    {"{" REQ ",\"response\":{\"status\":99}}", "from 100 to 599"},
    {"{" REQ ",\"response\":{\"status\":600}}", "from 100 to 599"},
    {"{" REQ ",\"response\":{\"status\":200.5}}", "from 100 to 599"},
    {"{" REQ ",\"response\":{\"status\":2e2}}", "from 100 to 599"},
    {"{" REQ ",\"response\":{\"status\":99999999999999999999999}}",
     "from 100 to 599"},
    {"{" REQ ",\"response\":{}}", "response.status is missing"},
    {"{" REQ ",\"response\":[]}", "response must be an object"},
    {"{" REQ "}", "give exactly one of response and error"},
    {"{" REQ ",\"response\":{\"status\":200},\"error\":\"timeout\"}",
     "give exactly one of response and error"},
    {"{" REQ ",\"error\":\"reset\"}", "error must be \"timeout\" or"},
    {"{\"response\":{\"status\":200}}", "request must be an object"},
    {"{\"request\":{\"url\":\"https://a.test/\"},\"error\":\"timeout\"}",
     "request.method is missing"},
    {"{\"request\":{\"method\":\"GET\"},\"error\":\"timeout\"}",
     "request.url is missing"},
    {"{\"request\":{\"method\":\"get\",\"url\":\"https://a.test/\"},"
     "\"error\":\"timeout\"}",
     "request.method must be one of"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"ftp://a.test/\"},"
     "\"error\":\"timeout\"}",
     "request.url must be a full http://"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/ x\"},"
     "\"error\":\"timeout\"}",
     "without spaces"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\","
     "\"query\":\"x\"},\"error\":\"timeout\"}",
     "unknown key \"query\" in request"},
    {"{" REQ ",\"respones\":{\"status\":200}}",
     "unknown key \"respones\" in the fixture"},
    {"{" REQ ",\"response\":{\"status\":200,\"stauts\":1}}",
     "unknown key \"stauts\" in response"},
    {"{" REQ ",\"request\":{}}", "duplicate key \"request\""},
    {"{" REQ ",\"response\":{\"status\":200,\"headers\":[]}}",
     "response.headers must be an object"},
    {"{" REQ ",\"response\":{\"status\":200,\"headers\":{\"A\":1}}}",
     "response.headers.A must be a string"},
    {"{" REQ ",\"response\":{\"status\":200,\"headers\":{\"A\":\"x\\ny\"}}}",
     "must be a string of one line"},
    {"{" REQ ",\"response\":{\"status\":200,\"headers\":{\"A B\":\"x\"}}}",
     "is not a valid header name"},
    {"{" REQ ",\"response\":{\"status\":200,\"headers\":"
     "{\"X-A\":\"1\",\"x-a\":\"2\"}}}",
     "names \"x-a\" twice"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"a\","
     "\"body_file\":\"b\"}}",
     "both body and body_file"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":\"../secret\"}}",
     "must be a relative path inside the fixtures folder"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":\"a/../../b\"}}",
     "inside the fixtures folder"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":\"/etc/passwd\"}}",
     "inside the fixtures folder"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":\"a\\\\..\\\\b\"}}",
     "inside the fixtures folder"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":\"\"}}",
     "inside the fixtures folder"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":\"d/\"}}",
     "inside the fixtures folder"},
    {"{" REQ ",\"response\":{\"status\":200,\"body_file\":7}}",
     "response.body_file must be a string"},
    {"{" REQ ",\"response\":{\"status\":200,\"delay_ms\":-1}}",
     "response.delay_ms must be an integer from 0 to 600000"},
    {"{" REQ ",\"response\":{\"status\":200,\"delay_ms\":600001}}",
     "delay_ms must be"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"a\tb\"}}",
     "control character in a string"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"\\x\"}}",
     "bad escape \\x"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"\\u12\"}}",
     "bad \\u escape"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"\\ud800x\"}}",
     "high surrogate without its low half"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"\\udc00\"}}",
     "lone low surrogate"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":\"abc}}",
     "unterminated string"},
    {"{" REQ ",\"response\":{\"status\":200,\"body\":tru}}",
     "unexpected character 't'"},
    {"{\"description\":1," REQ ",\"error\":\"timeout\"}",
     "description must be a string"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\\u0000\"},"
     "\"error\":\"timeout\"}",
     "request.url must be a full"},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
     "]]]]]]]]]",
     "nested deeper than 32 levels"},
    /* ignore_query */
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\","
     "\"ignore_query\":\"timestamp\"},\"response\":{\"status\":200}}",
     "request.ignore_query must be an array of 1 to 16"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\","
     "\"ignore_query\":[]},\"response\":{\"status\":200}}",
     "request.ignore_query must be an array of 1 to 16"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\","
     "\"ignore_query\":[\"a=b\"]},\"response\":{\"status\":200}}",
     "request.ignore_query[1] must be a query parameter name"},
    {"{\"request\":{\"method\":\"GET\",\"url\":\"https://a.test/\","
     "\"ignore_query\":[\"ok\", 3]},\"response\":{\"status\":200}}",
     "request.ignore_query[2] must be a query parameter name"},
    /* templates */
    {"{" REQ ",\"response\":{\"status\":200,\"template\":1}}",
     "response.template must be true or false"},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"body\":\"{{today}}\"}}",
     "template: \"{{\" does not start a known placeholder"},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"body\":\"{\\\"t\\\": {{now_ms}\"}}",
     "template: \"{{\" does not start a known placeholder"},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"body\":\"{{now_ms*2}}\"}}",
     "template: bad placeholder \"{{now_ms*2}}\""},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"headers\":{\"Date\":\"{{now_http+1s}}\"}}}",
     "template: bad offset in \"{{now_http+1s}}\""},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"body\":\"{{now_iso+1d}}\"}}",
     "template: bad offset in \"{{now_iso+1d}}\""},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"body\":\"{{now_iso*2}}\"}}",
     "template: bad placeholder \"{{now_iso*2}}\" (want {{now_iso}}"},
    {"{" REQ ",\"response\":{\"status\":200,\"template\":true,"
     "\"body\":\"{{now_ms-99999999999999}}\"}}",
     "template: bad placeholder"},
};

static void test_parse_malformed_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS(bad); i++) {
        pf_fixture fx;
        char err[300] = "";
        int rc = pf_fixture_parse(bad[i].text, strlen(bad[i].text), &fx, err,
                                  sizeof err);
        if (rc != -1)
            fail_msg("row %zu parsed: %s", i, bad[i].text);
        if (strstr(err, bad[i].why) == NULL)
            fail_msg("row %zu: reason \"%s\", want \"%s\"", i, err, bad[i].why);
        assert_null(fx.method); /* nothing left to free */
        assert_null(fx.headers);
    }
}

static void test_parse_size_cap(void **state)
{
    size_t n = (size_t)PF_FIX_MAX_FILE + 1;
    char *big = malloc(n);
    pf_fixture fx;
    char err[200];

    (void)state;
    assert_non_null(big);
    memset(big, ' ', n);
    assert_int_equal(pf_fixture_parse(big, n, &fx, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than"));
    free(big);
}

static void test_parse_many_headers(void **state)
{
    char text[8192];
    size_t n;
    pf_fixture fx;
    char err[200];
    int i;

    (void)state;
    n = (size_t)snprintf(text, sizeof text,
                         "{" REQ ",\"response\":{"
                         "\"status\":200,\"headers\":{");
    for (i = 0; i <= PF_FIX_MAX_HEADERS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\"h%d\":\"v\"",
                              i ? "," : "", i);
    snprintf(text + n, sizeof text - n, "}}}");
    assert_int_equal(pf_fixture_parse(text, strlen(text), &fx, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "more than 64 entries"));
}

static void test_method_valid(void **state)
{
    (void)state;
    assert_true(pf_http_method_valid("GET"));
    assert_true(pf_http_method_valid("OPTIONS"));
    assert_false(pf_http_method_valid("get"));
    assert_false(pf_http_method_valid("TRACE"));
    assert_false(pf_http_method_valid(""));
}

/* ---- the folder --------------------------------------------------------- */

static char tmpdir[PATH_MAX];

static void put(const char *rel, const char *text)
{
    char path[PATH_MAX + 64];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup_dir(void **state)
{
    char path[PATH_MAX + 64];

    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pf-fixtures.XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/bodies", tmpdir);
    mkdir(path, 0755);
    return 0;
}

static int teardown_dir(void **state)
{
    char cmd[PATH_MAX + 32];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#define FIX(url, rest)                                                         \
    "{\"request\":{\"method\":\"GET\",\"url\":\"" url "\"}," rest "}"

static void test_find_match_and_miss(void **state)
{
    pf_fixture fx;
    char file[PATH_MAX + 64], err[600];

    (void)state;
    put("a.json", FIX("https://x.test/a", "\"response\":{\"status\":200}"));
    put("b.json", FIX("https://x.test/b", "\"error\":\"refused\""));
    put(".hidden.json", "not json at all");
    put("notes.txt", "not json at all");
    put("bodies/ignored.json", "subfolders are not read");

    assert_int_equal(pf_fixture_find(tmpdir, "GET", "https://x.test/b", &fx,
                                     file, sizeof file, err, sizeof err),
                     1);
    assert_int_equal(fx.kind, PF_FIX_REFUSED);
    assert_non_null(strstr(file, "/b.json"));
    pf_fixture_free(&fx);

    /* method and full URL, query included, must both match */
    assert_int_equal(pf_fixture_find(tmpdir, "POST", "https://x.test/a", &fx,
                                     file, sizeof file, err, sizeof err),
                     0);
    assert_int_equal(pf_fixture_find(tmpdir, "GET", "https://x.test/a?x=1", &fx,
                                     file, sizeof file, err, sizeof err),
                     0);
    assert_null(fx.method);
}

/* Signed requests: the named query parameters are left out of the match
 * but must be in the request. */
static void test_url_match_ignore_query(void **state)
{
    static const char text[] =
        "{\"request\":{\"method\":\"GET\",\"url\":"
        "\"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=5000"
        "\",\"ignore_query\":[\"timestamp\",\"signature\"]},"
        "\"response\":{\"status\":200}}";
    static const struct {
        const char *url;
        int match;
    } rows[] = {
        {"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=5000"
         "&timestamp=1499827319559&signature=c8db",
         1},
        /* the ignored names may come anywhere, with any value */
        {"https://x.test/api/v3/account?timestamp=1&omitZeroBalances=true"
         "&signature=&recvWindow=5000",
         1},
        /* each ignored name must be present */
        {"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=5000"
         "&timestamp=1",
         0},
        {"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=5000",
         0},
        /* the others still match exactly, in order */
        {"https://x.test/api/v3/account?recvWindow=5000&omitZeroBalances=true"
         "&timestamp=1&signature=x",
         0},
        {"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=6000"
         "&timestamp=1&signature=x",
         0},
        {"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=5000"
         "&timestamp=1&signature=x&extra=1",
         0},
        {"https://x.test/api/v3/accounts?omitZeroBalances=true&recvWindow=5000"
         "&timestamp=1&signature=x",
         0},
        /* a name that only starts like an ignored one is not ignored */
        {"https://x.test/api/v3/account?omitZeroBalances=true&recvWindow=5000"
         "&timestamp=1&signature=x&timestamps=2",
         0},
    };
    pf_fixture fx;
    char err[300];
    size_t i;

    (void)state;
    assert_int_equal(pf_fixture_parse(text, strlen(text), &fx, err, sizeof err),
                     0);
    assert_int_equal(fx.nignore, 2);
    for (i = 0; i < NROWS(rows); i++) {
        if (pf_fixture_url_match(&fx, rows[i].url) != rows[i].match)
            fail_msg("row %zu: %s", i, rows[i].url);
    }
    pf_fixture_free(&fx);

    /* without ignore_query, the match stays byte for byte */
    assert_int_equal(pf_fixture_parse(FIX("https://x.test/a?b=1", "\"response\""
                                          ":{\"status\":200}"),
                                      strlen(FIX("https://x.test/a?b=1",
                                                 "\"response\":{\"status\":"
                                                 "200}")),
                                      &fx, err, sizeof err),
                     0);
    assert_int_equal(pf_fixture_url_match(&fx, "https://x.test/a?b=1"), 1);
    assert_int_equal(pf_fixture_url_match(&fx, "https://x.test/a?b=1&c=2"), 0);
    pf_fixture_free(&fx);
}

/* Server-time fixtures: placeholders in the body and header values. */
static void test_expand_template(void **state)
{
    static const char text[] =
        "{\"request\":{\"method\":\"GET\",\"url\":\"https://x.test/t\"},"
        "\"response\":{\"status\":200,\"template\":true,"
        "\"headers\":{\"Date\":\"{{now_http+5000}}\",\"X-N\":\"{{now_ms}}\"},"
        "\"body\":\"{\\\"serverTime\\\":{{now_ms}},\\\"ahead\\\":"
        "{{now_ms+5000}},\\\"behind\\\":{{now_ms-3000}},\\\"d\\\":"
        "\\\"{{now_http-3000}}\\\",\\\"o\\\":{\\\"k\\\":1}}\"}}";
    static const char plain[] =
        "{\"request\":{\"method\":\"GET\",\"url\":\"https://x.test/t\"},"
        "\"response\":{\"status\":200,\"body\":\"{{now_ms}}\"}}";
    pf_fixture fx;
    char err[300];

    (void)state;
    if (pf_fixture_parse(text, strlen(text), &fx, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(fx.template, 1);
    assert_int_equal(pf_fixture_expand(&fx, 1700000000123LL, err, sizeof err),
                     0);
    assert_string_equal(fx.body,
                        "{\"serverTime\":1700000000123,\"ahead\":1700000005123,"
                        "\"behind\":1699999997123,"
                        "\"d\":\"Tue, 14 Nov 2023 22:13:17 GMT\",\"o\":{\"k\":1}}");
    assert_int_equal(fx.body_len, strlen(fx.body));
    assert_string_equal(fx.headers[0].value, "Tue, 14 Nov 2023 22:13:25 GMT");
    assert_string_equal(fx.headers[1].value, "1700000000123");
    pf_fixture_free(&fx);

    /* {{now_iso}}: an RFC 3339 time (Upbit's expire_at), seconds kept */
    {
        static const char iso[] =
            "{\"request\":{\"method\":\"GET\",\"url\":\"https://x.test/t\"},"
            "\"response\":{\"status\":200,\"template\":true,"
            "\"body\":\"[\\\"{{now_iso}}\\\",\\\"{{now_iso+86400000}}\\\","
            "\\\"{{now_iso-1000}}\\\"]\"}}";
        if (pf_fixture_parse(iso, strlen(iso), &fx, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_int_equal(
            pf_fixture_expand(&fx, 1700000000123LL, err, sizeof err), 0);
        assert_string_equal(fx.body, "[\"2023-11-14T22:13:20+00:00\","
                                     "\"2023-11-15T22:13:20+00:00\","
                                     "\"2023-11-14T22:13:19+00:00\"]");
        pf_fixture_free(&fx);
    }

    /* not a template: placeholders are plain text */
    assert_int_equal(pf_fixture_parse(plain, strlen(plain), &fx, err,
                                      sizeof err),
                     0);
    assert_int_equal(pf_fixture_expand(&fx, 1700000000123LL, err, sizeof err),
                     0);
    assert_string_equal(fx.body, "{{now_ms}}");
    pf_fixture_free(&fx);
}

/* A template body file is expanded when loaded, with the real clock. */
static void test_load_body_template(void **state)
{
    pf_fixture fx;
    char err[300];
    long long t;

    (void)state;
    put("bodies/time.json", "{\"serverTime\": {{now_ms}}}");
    memset(&fx, 0, sizeof fx);
    fx.template = 1;
    fx.body_file = strdup("bodies/time.json");
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 100, err, sizeof err),
                     0);
    assert_int_equal(sscanf(fx.body, "{\"serverTime\": %lld}", &t), 1);
    assert_true(t > 1735689600000LL); /* after 2025: the real clock */
    pf_fixture_free(&fx);

    put("bodies/bad.json", "{{now}}");
    memset(&fx, 0, sizeof fx);
    fx.template = 1;
    fx.body_file = strdup("bodies/bad.json");
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 100, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "does not start a known placeholder"));
    pf_fixture_free(&fx);
}

static void test_find_duplicate(void **state)
{
    pf_fixture fx;
    char file[PATH_MAX + 64], err[600];

    (void)state;
    put("a.json", FIX("https://x.test/a", "\"response\":{\"status\":200}"));
    put("c.json", FIX("https://x.test/a", "\"response\":{\"status\":500}"));
    assert_int_equal(pf_fixture_find(tmpdir, "GET", "https://x.test/a", &fx,
                                     file, sizeof file, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "bad fixture "));
    assert_non_null(strstr(err, "/c.json: same request as "));
    assert_null(fx.method);
}

static void test_find_bad_file_fails_every_lookup(void **state)
{
    pf_fixture fx;
    char file[PATH_MAX + 64], err[600];

    (void)state;
    put("a.json", FIX("https://x.test/a", "\"response\":{\"status\":200}"));
    put("z.json", FIX("https://x.test/z", "\"response\":{\"status\":\"x\"}"));
    assert_int_equal(pf_fixture_find(tmpdir, "GET", "https://x.test/a", &fx,
                                     file, sizeof file, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "bad fixture "));
    assert_non_null(strstr(err, "/z.json: response.status must be"));
}

/* A fixtures folder with no fixture in it (issue 19: a pack's own empty
 * fixtures/): no match, and no qsort of a NULL list (UBSan's nonnull
 * check crashed the worker under the ASan build). */
static void test_find_empty_folder(void **state)
{
    pf_fixture fx;
    char file[PATH_MAX + 64], err[600];

    (void)state;
    assert_int_equal(pf_fixture_find(tmpdir, "GET", "https://x.test/a", &fx,
                                     file, sizeof file, err, sizeof err),
                     0);
    assert_null(fx.method);
}

static void test_find_missing_folder(void **state)
{
    pf_fixture fx;
    char file[64], err[600];

    (void)state;
    assert_int_equal(pf_fixture_find("/nonexistent/pf-fixtures", "GET",
                                     "https://x.test/a", &fx, file, sizeof file,
                                     err, sizeof err),
                     -1);
    assert_string_equal(err, "cannot open fixtures folder "
                             "/nonexistent/pf-fixtures: No such file or "
                             "directory");
}

static void test_load_body(void **state)
{
    pf_fixture fx;
    char err[600], target[PATH_MAX + 64], link[PATH_MAX + 64];

    (void)state;
    put("bodies/b.json", "[1,2,3]");
    memset(&fx, 0, sizeof fx);
    fx.body_file = strdup("bodies/b.json");
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 100, err, sizeof err),
                     0);
    assert_int_equal(fx.body_len, 7);
    assert_memory_equal(fx.body, "[1,2,3]", 7);
    /* over the cap */
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 6, err, sizeof err), -2);
    pf_fixture_free(&fx);

    /* missing */
    fx.body_file = strdup("bodies/none.json");
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 100, err, sizeof err),
                     -1);
    assert_string_equal(err, "body_file bodies/none.json: No such file or "
                             "directory");
    pf_fixture_free(&fx);

    /* a symlink that leads out of the folder */
    snprintf(target, sizeof target, "%s/../pf-outside-%d", tmpdir,
             (int)getpid());
    {
        FILE *f = fopen(target, "w");
        assert_non_null(f);
        fputs("secret", f);
        fclose(f);
    }
    snprintf(link, sizeof link, "%s/bodies/out.json", tmpdir);
    assert_int_equal(symlink(target, link), 0);
    fx.body_file = strdup("bodies/out.json");
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 100, err, sizeof err),
                     -1);
    assert_string_equal(err, "body_file bodies/out.json is outside the "
                             "fixtures folder");
    assert_null(fx.body);
    pf_fixture_free(&fx);
    unlink(target);

    /* a folder is not a body */
    fx.body_file = strdup("bodies");
    assert_int_equal(pf_fixture_load_body(tmpdir, &fx, 100, err, sizeof err),
                     -1);
    assert_string_equal(err, "body_file bodies: not a regular file");
    pf_fixture_free(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid_table),
        cmocka_unit_test(test_parse_malformed_table),
        cmocka_unit_test(test_parse_size_cap),
        cmocka_unit_test(test_parse_many_headers),
        cmocka_unit_test(test_method_valid),
        cmocka_unit_test_setup_teardown(test_find_match_and_miss, setup_dir,
                                        teardown_dir),
        cmocka_unit_test(test_url_match_ignore_query),
        cmocka_unit_test(test_expand_template),
        cmocka_unit_test_setup_teardown(test_load_body_template, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_find_duplicate, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_find_bad_file_fails_every_lookup,
                                        setup_dir, teardown_dir),
        cmocka_unit_test(test_find_missing_folder),
        cmocka_unit_test_setup_teardown(test_find_empty_folder, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_load_body, setup_dir,
                                        teardown_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
