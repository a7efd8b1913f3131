#!/bin/sh
# The nightly service: wait for SHOPGOV_NIGHTLY_AT (UTC, HH:MM), then check, assess and
# (with SHOPGOV_SITE set) write a site bundle; repeat. One failed step never stops the loop.
set -u
at="${SHOPGOV_NIGHTLY_AT:-02:00}"
home="${SHOPGOV_HOME:-/data}"

run_once() {
    day="$(date -u +%F)"
    shopgov check --quiet --no-docs --json "$home/logs/check-$day.json"
    echo "shopgov check exited $? ($day)"
    shopgov assess --json "$home/logs/assess-$day.json" >/dev/null
    echo "shopgov assess exited $?"
    if [ -n "${SHOPGOV_SITE:-}" ]; then
        mkdir -p "$home/bundles"
        shopgov bundle --output "$home/bundles/$SHOPGOV_SITE-$day.json" ${SHOPGOV_BUNDLE_ARGS:-}
        echo "shopgov bundle exited $?"
    fi
}

[ -f "$home/warehouse.duckdb" ] || echo "no warehouse in $home yet: run 'docker compose run --rm nightly shopgov init'"
if [ "${1:-}" = "--now" ]; then
    run_once
    exit 0
fi
while true; do
    now="$(date -u +%s)"
    next="$(date -u -d "today $at" +%s)"
    [ "$next" -gt "$now" ] || next="$(date -u -d "tomorrow $at" +%s)"
    echo "next run at $(date -u -d "@$next" '+%F %H:%M') UTC"
    sleep "$((next - now))"
    run_once
done
