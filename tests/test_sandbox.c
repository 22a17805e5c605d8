/*
 * test_sandbox.c: every sandbox rule and Lua trap, run through the real
 * runner and worker.
 *
 * Each row is a check file run next to an honest check in the same run.
 * The row asserts the status, the reason and a piece of the message of
 * the first, and that the honest neighbour still passed, so a trap that
 * took the whole worker pool down, or a pass that slipped through, fails
 * the row. The honest row at the top proves the harness can see a pass.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "redact.h"
#include "runner.h"
#include "sandbox.h"

#define P "return preflight.pass('ok')"
#define CHECK(body) "return { id = 'adv.x', title = 't', timeout_ms = 300, " \
                    "run = function(ctx) " body " end }"

typedef struct {
    const char *name;
    const char *src;
    pf_status status;
    pf_reason reason;
    const char *needle;
} row;

static const row rows[] = {
    /* control: the harness sees a pass and a fail */
    {"honest pass", CHECK(P), PF_STATUS_PASS, PF_REASON_NONE, "ok"},
    {"honest fail", CHECK("return preflight.fail('no', {n = 1})"),
     PF_STATUS_FAIL, PF_REASON_NONE, "no"},
    /* forging a pass */
    {"hand-made table", CHECK("return {status = 'pass', message = 'x'}"),
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "only a value made by"},
    {"true", CHECK("return true"), PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "boolean"},
    {"nil", CHECK("return nil"), PF_STATUS_ERROR, PF_REASON_CONTRACT, "nil"},
    {"no return", CHECK(""), PF_STATUS_ERROR, PF_REASON_CONTRACT, "0 values"},
    {"string", CHECK("return 'pass'"), PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "string"},
    {"two values", CHECK("return preflight.pass('a'), preflight.pass('b')"),
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "2 values"},
    {"error object is a pass", CHECK("error(preflight.pass('x'))"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "preflight result"},
    {"fail = pass", CHECK("preflight.fail = preflight.pass "
                          "return preflight.fail('x')"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "read-only"},
    {"rawset on preflight", CHECK("rawset(preflight, 'fail', preflight.pass) "
                                  "return preflight.fail('x')"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "table expected"},
    {"mutate a fail value", CHECK("local f = preflight.fail('x') f.status = "
                                  "'pass' return f"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "index"},
    {"setmetatable on a result", CHECK("local f = preflight.fail('x') "
                                       "setmetatable(f, {}) return f"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "table expected"},
    {"getmetatable of a result", CHECK("local m = getmetatable("
                                       "preflight.fail('x')) "
                                       "return preflight.fail(tostring(m))"),
     PF_STATUS_FAIL, PF_REASON_NONE, "locked"},
    {"file returns a result", "return preflight.pass('x')", PF_STATUS_ERROR,
     PF_REASON_CONTRACT, "check table"},
    {"details not flat", CHECK("return preflight.pass('x', {t = {}})"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "details values"},
    {"message not a string", CHECK("return preflight.pass(42)"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "string expected"},
    /* time */
    {"while true", CHECK("while true do end"), PF_STATUS_ERROR,
     PF_REASON_TIMEOUT, "timeout"},
    {"goto loop", CHECK("::a:: goto a"), PF_STATUS_ERROR, PF_REASON_TIMEOUT,
     "timeout"},
    {"pcall loop then pass", CHECK("pcall(function() while true do end end) "
                                   P),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"pcall in a loop", CHECK("while true do pcall(function() while true do "
                              "end end) end"),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"xpcall(loop, loop)", CHECK("local function l() while true do end end "
                                 "xpcall(l, l) " P),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"string.rep empty huge", CHECK("string.rep('', math.maxinteger) " P),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"backtracking", CHECK("string.find(('a'):rep(5000), '.-.-.-.-x') " P),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"table.move huge", CHECK("table.move({}, 1, 1 << 50, 2) " P),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"endless __close", CHECK("do local x <close> = setmetatable({}, "
                              "{__close = function() while true do end end}) "
                              "end " P),
     PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"looping __tostring error object",
     CHECK("error(setmetatable({}, {__tostring = function() while true do "
           "end end}))"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "table value"},
    {"erroring __tostring error object",
     CHECK("error(setmetatable({}, {__tostring = function() error('x') "
           "end}))"),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "table value"},
    {"loop at load time", "while true do end", PF_STATUS_ERROR,
     PF_REASON_TIMEOUT, "timeout"},
    /* memory */
    {"concat bomb", CHECK("local s = 'x' while true do s = s .. s end"),
     PF_STATUS_ERROR, PF_REASON_MEMORY, "memory"},
    {"table bomb", CHECK("local t = {} for i = 1, 1e9 do t[i] = i end"),
     PF_STATUS_ERROR, PF_REASON_MEMORY, "memory"},
    {"pcall rep 1e9 then pass", CHECK("pcall(string.rep, 'x', 1e9) " P),
     PF_STATUS_ERROR, PF_REASON_MEMORY, "memory"},
    /* finalizers */
    {"__gc refused", CHECK("setmetatable({}, {__gc = function() while true "
                           "do end end}) " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "__gc"},
    {"__gc false refused", CHECK("setmetatable({}, {__gc = false}) " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "__gc"},
    /* escapes: forbidden globals */
    {"io", CHECK("io.open('/etc/passwd') " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "io"},
    {"os", CHECK("os.exit(0)"), PF_STATUS_ERROR, PF_REASON_RUNTIME, "os"},
    {"debug", CHECK("debug.sethook() " P), PF_STATUS_ERROR, PF_REASON_RUNTIME,
     "debug"},
    {"package", CHECK("package.loadlib('x', 'y') " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "package"},
    {"coroutine", CHECK("coroutine.wrap(function() end)() " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "coroutine"},
    {"load", CHECK("load('return 1')() " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "load"},
    {"loadfile", CHECK("loadfile('/etc/passwd') " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "loadfile"},
    {"dofile", CHECK("dofile('/etc/passwd') " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "dofile"},
    {"collectgarbage", CHECK("collectgarbage('stop') " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "collectgarbage"},
    {"print", CHECK("print('x') " P), PF_STATUS_ERROR, PF_REASON_RUNTIME,
     "print"},
    {"string.dump", CHECK("string.dump(function() end) " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "dump"},
    {"string method dump is gone", CHECK("assert(('').dump == nil) " P), PF_STATUS_PASS,
     PF_REASON_NONE, "ok"},
    {"bytecode check file", "\x1bLua\x54\x00", PF_STATUS_ERROR,
     PF_REASON_LOAD, "binary"},
    {"syntax error", "return {", PF_STATUS_ERROR, PF_REASON_LOAD, "load"},
    {"require outside lib", CHECK("require('../etc/passwd') " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "module names"},
    {"require os", CHECK("require('os') " P), PF_STATUS_ERROR,
     PF_REASON_RUNTIME, "not found"},
    {"fs.read outside root", CHECK("local s, e = preflight.fs.read("
                                   "'/etc/passwd') return preflight.fail(e)"),
     PF_STATUS_FAIL, PF_REASON_NONE, "outside the project root"},
    {"fs.read dot-dot", CHECK("local s, e = preflight.fs.read("
                              "'../../../../etc/hostname') "
                              "return preflight.fail(e)"),
     PF_STATUS_FAIL, PF_REASON_NONE, "outside the project root"},
    {"fs.read symlink out", CHECK("local s, e = preflight.fs.read("
                                  "'link_out') return preflight.fail(e)"),
     PF_STATUS_FAIL, PF_REASON_NONE, "outside the project root"},
    {"cjson knobs hidden", CHECK("preflight.json.decode_max_depth(1000) " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "decode_max_depth"},
    {"deep json", CHECK("local v, e = preflight.json.decode(('['):rep(100000)) "
                        "return preflight.fail(tostring(e))"),
     PF_STATUS_FAIL, PF_REASON_NONE, "too many nested"},
    /* isolation: a change of the string metatable stays in this state */
    {"string metatable", CHECK("getmetatable('').__index = {} " P),
     PF_STATUS_PASS, PF_REASON_NONE, "ok"},
    /* the check table itself */
    {"missing id", "return { title = 't', run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "id must be"},
    {"bad id", "return { id = 'Bad', title = 't', run = function() " P
               " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "id must be"},
    {"unknown field", "return { id = 'a.b', title = 't', timeout = 5, "
                      "run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "unknown field \"timeout\""},
    /* the message names every known field (read_meta's table) */
    {"unknown field lists the known", "return { id = 'a.b', title = 't', "
                                      "x = 5, run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "(known: id, title, tags, timeout_ms, run, guard_failures)"},
    {"title too long", "return { id = 'a.b', title = ('t'):rep(201), "
                       "run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "title must be a non-empty string of at most 200 bytes"},
    {"title not a string", "return { id = 'a.b', title = 5, "
                           "run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "title must be a non-empty"},
    {"tags not a list", "return { id = 'a.b', title = 't', tags = 'x', "
                        "run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "tags must be a list"},
    {"timeout_ms a float", "return { id = 'a.b', title = 't', "
                           "timeout_ms = 1.5, run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "timeout_ms must be a positive"},
    {"run not a function", "return { id = 'a.b', title = 't', run = 1 }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "run must be"},
    {"bad tag", "return { id = 'a.b', title = 't', tags = {'Up'}, "
                "run = function() " P " end }",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "tag 1"},
    {"check table with __index", "return setmetatable({ title = 't', "
                                 "run = function() " P " end }, "
                                 "{__index = {id = 'a.b'}})",
     PF_STATUS_ERROR, PF_REASON_CONTRACT, "id must be"},
    {"env and clock work", CHECK("assert(preflight.env.has('PATH')) "
                                 "assert(preflight.clock.now() > 1.7e9) "
                                 "assert(preflight.clock.iso8601(0) == "
                                 "'1970-01-01T00:00:00Z') " P),
     PF_STATUS_PASS, PF_REASON_NONE, "ok"},
    /* the families are built on first read, then kept, read-only */
    {"a family is one value", CHECK("assert(preflight.json == preflight.json) "
                                    "assert(preflight.fs ~= preflight.env) " P),
     PF_STATUS_PASS, PF_REASON_NONE, "ok"},
    {"write into a family", CHECK("preflight.json.decode = nil " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "read-only"},
    {"rawset on a family", CHECK("rawset(preflight.env, 'get', 1) " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "table expected"},
    {"replace a family", CHECK("preflight.clock = {now = os} " P),
     PF_STATUS_ERROR, PF_REASON_RUNTIME, "read-only"},
    {"family metatable hidden", CHECK("return preflight.fail("
                                      "tostring(getmetatable(preflight.fs)))"),
     PF_STATUS_FAIL, PF_REASON_NONE, "locked"},
    {"no such member", CHECK("assert(preflight.nothing == nil) "
                             "assert(preflight[1] == nil) "
                             "assert(preflight[preflight] == nil) "
                             "assert(preflight['json\\0x'] == nil) "
                             "assert(preflight['json '] == nil) " P),
     PF_STATUS_PASS, PF_REASON_NONE, "ok"},
    /* memory filled to within 64 bytes of the cap by a few big strings
     * (halving the size at each refusal), then a family's first read:
     * its build fails, and the check is a memory error. Few, large
     * allocations, repeating a 4 KiB block (string.rep copies a 1-byte
     * string one byte at a time), keep this quick under ASan; its own
     * timeout_ms is the harness's 1000 ms clamp, not CHECK's 300 */
    {"first read of a family at the memory cap",
     "return { id = 'adv.x', title = 't', timeout_ms = 1000, "
     "run = function() local k, t, n = ('x'):rep(4096), {}, 8 << 20 "
     "while n >= 64 do local big = n >= 4096 "
     "local ok, s = pcall(string.rep, big and k or 'x', "
     "big and n // 4096 or n) "
     "if ok then t[#t + 1] = s else n = n // 2 end end "
     "return preflight.json.encode({}) end }",
     PF_STATUS_ERROR, PF_REASON_MEMORY, "memory"},
    {"secret masked", CHECK("return preflight.fail('key is ' .. "
                            "preflight.env.get('PF_TEST_API_KEY'))"),
     PF_STATUS_FAIL, PF_REASON_NONE, "key is ***"},
};

static const char honest[] =
    "return { id = 'honest.neighbour', title = 'h', "
    "run = function() return preflight.pass('fine') end }";

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* Print one row's failure and count it: every failing row is listed, not
 * only the first. Returns 1. */
static int row_failed(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int row_failed(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

/* 1 for the reasons a runaway ends with: which limit stops it first
 * (memory or time) depends on the machine's speed. */
static int runaway(pf_reason r)
{
    return r == PF_REASON_MEMORY || r == PF_REASON_TIMEOUT;
}

static void test_sandbox_rows(void **state)
{
    char dir[] = "/tmp/pf_sb_XXXXXX", adv[600], hon[600], link[600];
    size_t i, bad = 0;
    pf_redactor red;
    extern char **environ;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(adv, sizeof adv, "%s/adv.lua", dir);
    snprintf(hon, sizeof hon, "%s/honest.lua", dir);
    snprintf(link, sizeof link, "%s/link_out", dir);
    assert_int_equal(symlink("/etc/hostname", link), 0);
    write_file(hon, honest, sizeof honest - 1);
    setenv("PF_TEST_API_KEY", "s3cr3t-value", 1);
    pf_redactor_init(&red);
    assert_int_equal(pf_redactor_from_env(&red, environ, NULL, 0), 0);
    assert_int_equal(chdir(dir), 0);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        pf_run_config cfg;
        pf_check cs[2];
        size_t len = strlen(r->src);

        if (r->src[0] == '\x1b')
            len = 6;
        write_file(adv, r->src, len);
        pf_run_config_init(&cfg);
        cfg.timeout_ms = 1000;
        cfg.run_timeout_ms = 20000;
        cfg.jobs = 2;
        cfg.sb.root = dir;
        cfg.sb.fixtures_dir = "fixtures";
        cfg.sb.memory_bytes = 32u << 20;
        cfg.redactor = &red;
        memset(cs, 0, sizeof cs);
        cs[0].file = adv;
        cs[1].file = hon;
        assert_int_equal(pf_run(&cfg, cs, 2, 1), 0);
        if (runaway(r->reason) && cs[0].status == PF_STATUS_ERROR &&
            runaway(cs[0].reason) && cs[0].message != NULL)
            ; /* either limit may stop a runaway first on a busy machine */
        else if (cs[0].status != r->status || cs[0].reason != r->reason ||
            cs[0].message == NULL || strstr(cs[0].message, r->needle) == NULL)
            bad += row_failed("row \"%s\": status %s reason %s message: %s",
                              r->name, pf_status_name(cs[0].status),
                              pf_reason_name(cs[0].reason)
                                  ? pf_reason_name(cs[0].reason)
                                  : "-",
                              cs[0].message ? cs[0].message : "(null)");
        if (cs[1].status != PF_STATUS_PASS)
            bad += row_failed("row \"%s\": the honest neighbour did not "
                              "pass: %s",
                              r->name, cs[1].message ? cs[1].message : "(null)");
        /* its own deadline ended it, not the run's (a bound, not a
         * timing: a busy machine may be slow) */
        if (cs[0].message != NULL && strstr(cs[0].message, "run deadline"))
            bad += row_failed("row \"%s\": ended by the run deadline",
                              r->name);
        pf_check_clear(&cs[0]);
        pf_check_clear(&cs[1]);
    }
    pf_redactor_free(&red);
    if (bad > 0)
        fail_msg("%zu of %zu rows failed (each is listed above)", bad,
                 sizeof rows / sizeof rows[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sandbox_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
