#!/bin/sh
# Build the libFuzzer targets in fuzz/ with clang (ASan + UBSan) and run
# each for SECONDS seconds (default 30): the CI smoke. For a long run:
#   SECONDS_EACH=3600 sh scripts/fuzz.sh [target...]
# Corpora live in build-fuzz/corpus/<target>; crashes are written there as
# crash-* files and make this script fail.
set -eu
cd "$(dirname "$0")/.."
EACH=${SECONDS_EACH:-30}
OUT=build-fuzz
mkdir -p "$OUT"
CC=${FUZZ_CC:-clang}
FLAGS="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Ihost"
# target: the host sources it needs (pure modules only)
srcs() {
    case $1 in
    fuzz_arm_at | fuzz_notional) echo host/arming.c ;;
    fuzz_manifest) echo host/verdict.c host/result.c ;;
    fuzz_fixture) echo host/fixtures.c host/buf.c host/atomic.c ;;
    fuzz_proto) echo host/proto.c host/buf.c host/result.c ;;
    fuzz_redact) echo host/redact.c ;;
    fuzz_json_str) echo host/buf.c ;;
    fuzz_lock) echo host/lock.c host/buf.c host/sha256.c ;;
    fuzz_policy) echo host/policy.c host/arming.c ;;
    fuzz_approval) echo host/approval.c host/buf.c host/sha256.c ;;
    fuzz_audit) echo host/audit.c host/buf.c host/sha256.c host/clock.c host/arming.c ;;
    fuzz_sig) echo host/approval.c host/buf.c host/sha256.c ;;
    esac
}
TARGETS=${*:-"fuzz_arm_at fuzz_notional fuzz_manifest fuzz_fixture fuzz_proto fuzz_redact fuzz_json_str fuzz_lock fuzz_policy fuzz_approval fuzz_audit fuzz_sig"}
status=0
for t in $TARGETS; do
    # shellcheck disable=SC2046
    $CC $FLAGS "fuzz/$t.c" $(srcs "$t") -lm -o "$OUT/$t"
    mkdir -p "$OUT/corpus/$t"
    if [ -d "fuzz/seeds/$t" ]; then cp -n fuzz/seeds/$t/* "$OUT/corpus/$t/" 2>/dev/null || true; fi
    echo "== $t: ${EACH}s"
    if ! "./$OUT/$t" -max_total_time="$EACH" -max_len=4096 -timeout=10 \
        -artifact_prefix="$OUT/corpus/$t/" -print_final_stats=1 \
        "$OUT/corpus/$t" 2>"$OUT/$t.log"; then
        echo "FAIL $t: see $OUT/$t.log"; tail -30 "$OUT/$t.log"; status=1
    fi
    grep -E "stat::number_of_executed_units|Done" "$OUT/$t.log" | tail -1
done
exit $status
