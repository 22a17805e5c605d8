#!/bin/sh
# tests/ci_example.sh: examples/ci/github-actions.yml is green as written
# (issue 19 item 5). The job's own steps are read out of the file and run,
# in order, in a fresh copy of the source tree, the way the runner would
# (bash -e, the step's env): install (the build-only set, no test
# toolchain), build, run the checks. The service containers are replaced
# by a redis-server and a PostgreSQL on loopback (scripts/services.sh):
# the URLs the step's env names by service (redis://redis:6379,
# postgres@postgres:5432) become theirs, nothing else changes. Every one
# of the shipped checks must pass; the `uses:` steps are checked for what
# they need (the JUnit report valid against tests/junit-10.xsd with tests
# in it, every artifact path present).
#
# Builds preflight once more from the copy (a few minutes on 2 cores).
# PREFLIGHT_SRC is the source root.
set -u
SRC=$(cd "${PREFLIGHT_SRC:-.}" && pwd)
CI=$SRC/examples/ci/github-actions.yml
# shellcheck source=lib.sh
. "$SRC/tests/lib.sh"
tmpdir ci_example
trap 'sh "$SRC/scripts/services.sh" stop "$T/svc" >/dev/null 2>&1; rm -rf "$T"' EXIT
chmod 755 "$T" # the postgres user must reach its cluster below it

# ---- the job as written ----------------------------------------------------
$PY - "$CI" "$T" <<'PYEOF'
import json, sys, urllib.parse, yaml
d = yaml.safe_load(open(sys.argv[1]))
job = d['jobs']['preflight']
steps = job['steps']
named = {}
for k, v in [kv for s in steps if 'preflight run' in s.get('run', '')
             for kv in s.get('env', {}).items()]:
    h = urllib.parse.urlsplit(v).hostname
    if h in (job.get('services') or {}):
        named[k] = job['services'][h]['image'].split(':')[0]
# the steps are run below even when an assertion here fails
json.dump({'steps': steps, 'job_env': job.get('env', {}), 'named': named},
          open(sys.argv[2] + '/job.json', 'w'))
svc = job.get('services') or {}
# a Redis and a PostgreSQL service container
images = {k: v['image'].split(':')[0] for k, v in svc.items()}
assert 'redis' in images.values() and 'postgres' in images.values(), images
# the install step asks for the build-only set
inst = [s for s in steps if 'install-deps.sh' in s.get('run', '')]
assert len(inst) == 1 and 'install-deps.sh build' in inst[0]['run'], inst
runs = [s for s in steps if 'preflight run' in s.get('run', '')]
assert len(runs) == 1, runs
env = runs[0].get('env', {})
# the step loads the settings file
assert 'examples/paper.env' in runs[0]['run'], runs[0]['run']
# each URL in the step's env names a service container by its name, on
# its image's port, with the password the container is given
ports = {'redis': 6379, 'postgres': 5432}
for k, v in env.items():
    u = urllib.parse.urlsplit(v)
    if u.scheme in ('redis', 'postgresql'):
        assert u.hostname in svc, (k, u.hostname, list(svc))
        img = images[u.hostname]
        assert u.port == ports[img], (k, u.port)
        if img == 'postgres':
            assert u.password == svc[u.hostname]['env']['POSTGRES_PASSWORD'], k
        named[k] = img
assert sorted(named.values()) == ['postgres', 'redis'], named
PYEOF
[ $? -eq 0 ] && ok "ci example: services, settings and build-only install as written" ||
    bad "ci example: the job as written lacks the above"
[ -f "$T/job.json" ] || { bad "examples/ci/github-actions.yml does not parse"; finish ci_example; exit 1; }

# the build-only set has no test toolchain and no servers
BUILD=$(sed -n '/^BUILD="/,/"$/p' "$SRC/scripts/install-deps.sh" | tr -d '"' | sed 's/^BUILD=//')
for p in $BUILD; do
    case $p in
    *cmocka* | lua-busted | lua-check | valgrind | clang | redis-server | postgresql | prometheus | python3* | libxml2-utils)
        bad "install-deps.sh build installs the test package $p" ;;
    esac
done
[ -n "$BUILD" ] && ok || bad "no BUILD set in scripts/install-deps.sh"

# ---- the loopback services in place of the containers -------------------------
urls=$(sh "$SRC/scripts/services.sh" start "$T/svc" redis postgres) ||
    { bad "scripts/services.sh did not start redis-server and PostgreSQL"; finish ci_example; exit 1; }
REDIS=$(echo "$urls" | sed -n 's/^REDIS_URL=//p')
PG=$(echo "$urls" | sed -n 's/^DATABASE_URL=//p')

# ---- a fresh copy of the tree, as actions/checkout leaves it -----------------
mkdir "$T/repo"
(cd "$SRC" && tar --exclude='./build*' --exclude=./.git --exclude=./evidence \
    --exclude=./reports -cf - .) | tar -x -C "$T/repo" || { bad "copy of the tree"; finish ci_example; exit 1; }

# ---- each run: step, in order, as the runner runs it --------------------------
$PY - "$T/job.json" "$REDIS" "$PG" "$T/steps" <<'PYEOF'
import json, os, shlex, sys
j = json.load(open(sys.argv[1]))
loop = {'redis': sys.argv[2], 'postgres': sys.argv[3]}
os.makedirs(sys.argv[4])
n = 0
for s in j['steps']:
    if 'run' not in s:
        continue
    n += 1
    env = dict(j['job_env'])
    env.update(s.get('env', {}))
    for k, img in j['named'].items():
        env[k] = loop[img]
    with open('%s/%02d.sh' % (sys.argv[4], n), 'w') as f:
        f.write('# %s\n' % s.get('name', ''))
        for k, v in env.items():
            f.write('export %s=%s\n' % (k, shlex.quote(str(v))))
        f.write(s['run'] + '\n')
PYEOF
for step in "$T/steps"/*.sh; do
    name=$(head -1 "$step" | sed 's/^# //')
    (cd "$T/repo" && env -u ARBITRAGE_ENV -u LIVE_ARM_ACK -u LIVE_ARM_AT \
        -u LIVE_MAX_NOTIONAL_USD bash -e "$step") >"$T/step.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok "ci step: $name"; else
        bad "ci step '$name' exited $rc"
        tail -20 "$T/step.out" | sed 's/^/    /'
        break
    fi
done

# ---- what the uses: steps need -------------------------------------------------
R=$T/repo
if [ -f "$R/reports/preflight-junit.xml" ] && command -v xmllint >/dev/null 2>&1; then
    xmllint --noout --schema "$SRC/tests/junit-10.xsd" "$R/reports/preflight-junit.xml" \
        >"$T/x.out" 2>&1 && ok || { bad "ci junit report not valid"; cat "$T/x.out"; }
fi
py "ci: every shipped check passed, in the report and the evidence" "
import json, sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1] + '/reports/preflight-junit.xml').getroot().find('testsuite')
cases = s.findall('testcase')
assert len(cases) >= 19 and int(s.get('tests')) == len(cases), s.attrib
bad = [c.get('name') for c in cases if len(c.findall('failure')) + len(c.findall('error')) + len(c.findall('skipped'))]
assert not bad, bad
d = json.load(open(sys.argv[1] + '/evidence/ci-preflight.json'))
assert d['verdict'] == 'pass' and d['exit_code'] == 0, d['verdict']
assert d['summary']['passed'] == d['summary']['total'] == len(cases), d['summary']" "$R"
$PY - "$T/job.json" "$R" <<'PYEOF' && ok || bad "ci: an artifact path is missing"
import json, os, sys
j = json.load(open(sys.argv[1]))
up = [s for s in j['steps'] if s.get('uses', '').startswith('actions/upload-artifact')][0]
for p in up['with']['path'].split():
    assert os.path.exists(os.path.join(sys.argv[2], p)), p
PYEOF

finish ci_example
