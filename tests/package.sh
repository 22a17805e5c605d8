#!/bin/sh
# The .deb a Debian packager would accept (issue 20): built by cpack in a
# fresh build folder configured with nothing but -DPF_MAINTAINER, it
# installs under /usr, has the Maintainer given, ships the copyright
# (debian/copyright format), changelog.gz and the man page (gzip -n -9,
# the man page with /usr paths), stripped binaries and plugins, the
# luacheck standard, the LuaLS definitions, the examples and (when the
# tree has it) the bash completion; and lintian reports no error and no
# warning. Skipped (exit 77) only when lintian is not installed.
set -u
SRC=$(cd "${PREFLIGHT_SRC:-.}" && pwd)
CMAKE=${PREFLIGHT_CMAKE:-cmake}
CPACK=${PREFLIGHT_CPACK:-cpack}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if ! command -v lintian >/dev/null 2>&1; then
    echo "SKIP: lintian is not installed (scripts/install-deps.sh installs it); the .deb was not checked"
    exit 77
fi
tmpdir package
MAINT="Test Packager <packager@example.com>"

# ---- build the package -------------------------------------------------------
if "$CMAKE" -S "$SRC" -B "$T/b" -DPF_MAINTAINER="$MAINT" >"$T/build.log" 2>&1 &&
    "$CMAKE" --build "$T/b" -j2 --target preflight preflight_net preflight_sign \
        pf_package_docs >>"$T/build.log" 2>&1 &&
    (cd "$T/b" && "$CPACK" -G DEB -B "$T/pkg") >>"$T/build.log" 2>&1; then
    ok "configure, build, cpack -G DEB"
else
    bad "configure, build, cpack -G DEB"
    tail -30 "$T/build.log"
    finish package
    exit 1
fi
DEB=$(ls "$T/pkg/"*.deb 2>/dev/null | head -1)
if [ -z "$DEB" ]; then bad "cpack made no .deb"; finish package; exit 1; fi

# ---- the control fields ------------------------------------------------------
dpkg-deb -f "$DEB" Package Maintainer >"$T/fields"
contains "Package" "$T/fields" "Package: preflight"
contains "Maintainer from -DPF_MAINTAINER" "$T/fields" "Maintainer: $MAINT"

# ---- the files ---------------------------------------------------------------
dpkg-deb -c "$DEB" | awk '{print $6}' >"$T/list"
if grep -v '^\./usr/' "$T/list" | grep -qv '^\./$'; then
    bad "files outside /usr:"
    grep -v '^\./usr/' "$T/list" | head
else
    ok "everything under /usr"
fi
for f in usr/bin/preflight usr/share/man/man1/preflight.1.gz \
    usr/share/doc/preflight/copyright usr/share/doc/preflight/changelog.gz \
    usr/share/doc/preflight/examples/paper.env \
    usr/share/doc/preflight/examples/systemd/arbitrage-bot.service \
    usr/share/preflight/luacheckrc.lua usr/share/preflight/types/preflight.lua \
    usr/share/preflight/lib/settings.lua; do
    if grep -qx "\./$f" "$T/list"; then ok; else bad "not in the package: /$f"; fi
done
if grep -q '^\./usr/lib/[^/]*/preflight/preflight_net\.so$' "$T/list" &&
    grep -q '^\./usr/lib/[^/]*/preflight/preflight_sign\.so$' "$T/list"; then
    ok "plugins in /usr/lib/<triplet>/preflight"
else
    bad "plugins not in /usr/lib/<triplet>/preflight"
fi
if [ -f "$SRC/share/bash-completion/completions/preflight" ]; then
    if grep -qx '\./usr/share/bash-completion/completions/preflight' "$T/list"; then
        ok "bash completion"
    else
        bad "the tree has a bash completion; the package does not"
    fi
fi

dpkg -x "$DEB" "$T/root"
R="$T/root"
for f in "$R/usr/bin/preflight" "$R"/usr/lib/*/preflight/*.so; do
    file "$f" >"$T/file"
    if grep -q ', stripped' "$T/file" && ! grep -q 'debug_info' "$T/file"; then ok; else
        bad "not stripped: $f"
        cat "$T/file"
    fi
done
# gzip -n -9: no name and no time in the header (bytes 4-7 zero, flag
# byte without FNAME), best compression (XFL 2)
for f in "$R/usr/share/man/man1/preflight.1.gz" "$R/usr/share/doc/preflight/changelog.gz"; do
    py "gzip -n -9: $f" "
import sys
h = open(sys.argv[1], 'rb').read(10)
assert h[:3] == b'\x1f\x8b\x08', h
assert h[3] & 0x08 == 0, 'a file name is stored'
assert h[4:8] == b'\0\0\0\0', 'a time stamp is stored'
assert h[8] == 2, 'not -9'
" "$f"
done
gzip -dc "$R/usr/share/man/man1/preflight.1.gz" >"$T/man"
contains "man page: the installed library path" "$T/man" "/usr/share/preflight/lib"
lacks "man page: no /usr/local path" "$T/man" "/usr/local"
gzip -dc "$R/usr/share/doc/preflight/changelog.gz" >"$T/changelog"
contains "changelog: this version" "$T/changelog" "preflight ($(dpkg-deb -f "$DEB" Version))"
contains "changelog: signed by the maintainer" "$T/changelog" " -- $MAINT  "
head -1 "$R/usr/share/doc/preflight/copyright" >"$T/c1"
contains "copyright: machine-readable format" "$T/c1" \
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
"$R/usr/bin/preflight" version >"$T/out" 2>&1
contains "the packaged binary runs" "$T/out" "preflight "

# ---- lintian -----------------------------------------------------------------
lintian -I "$DEB" >"$T/lintian" 2>&1
rc=$?
# 0: no error tag; 1: error tags (listed below); anything else, or a
# message that is no tag, is lintian failing to look: never a pass
if [ $rc -le 1 ] && ! grep -v '^[EWIPXCNO]: \|^running with root' "$T/lintian" | grep -q .; then
    ok "lintian ran"
else
    bad "lintian did not run cleanly (exit $rc):"
    head -20 "$T/lintian"
fi
if grep -q '^E: ' "$T/lintian"; then
    bad "lintian reports errors:"
    grep '^E: ' "$T/lintian"
else
    ok "lintian: no error"
fi
if grep -q '^W: ' "$T/lintian"; then
    bad "lintian reports warnings:"
    grep '^W: ' "$T/lintian"
else
    ok "lintian: no warning"
fi
grep '^I: ' "$T/lintian" | sed 's/^/note: lintian /' | head -20

finish package
