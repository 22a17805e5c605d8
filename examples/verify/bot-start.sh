#!/bin/sh
# bot-start.sh: the bot's own first step, a second line of defence for a
# bot started by any path (by hand, by a script that skipped preflight):
# before trading LIVE it checks that a fresh, passing, ARMED preflight
# happened on this host, signed by the host's preflight key (DESIGN 8.9).
#
#   preflight exec --sign-key /etc/preflight/evidence.key ... -- bot-start.sh
#
# preflight exec sets PREFLIGHT_EVIDENCE to the start document it signed.
# The public line of that key (`preflight keygen` printed it) is installed
# read-only for the bot; the private key is readable by the preflight
# service user only (docs/SECRETS.md): a signature proves nothing against
# someone who can read the signing key.
set -eu
PUBKEY=${PREFLIGHT_EVIDENCE_PUBKEY:-/etc/preflight/evidence.pub}
if [ "${ARBITRAGE_ENV:-paper}" = live ]; then
    if [ -z "${PREFLIGHT_EVIDENCE:-}" ]; then
        echo "bot-start: no PREFLIGHT_EVIDENCE: not started by preflight exec; refusing LIVE" >&2
        exit 3
    fi
    preflight verify "$PREFLIGHT_EVIDENCE" --pubkey "$PUBKEY" --require armed \
        --max-age-s 120 --host "${PREFLIGHT_HOST_ID:-$(hostname)}" >&2 || {
        echo "bot-start: the preflight evidence does not verify; refusing LIVE" >&2
        exit 3
    }
fi
exec "$@"
