#!/usr/bin/env bash
# pretest: the test suite runs the real Prometheus tools (promtool check/test rules, and a real
# Prometheus server on loopback for `llm-breakeven usage`). They come from Debian's `prometheus`
# package (2.42 on bookworm). When they are missing, install them if this user can (CI runs as
# root); otherwise print the one command that does and fail: never a silent skip.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have promtool && have prometheus; then
    exit 0
fi

install_cmd="apt-get update && apt-get install -y --no-install-recommends prometheus"

if [ "$(id -u)" = "0" ] && have apt-get; then
    echo "pretest: promtool/prometheus missing; installing Debian's prometheus package" >&2
    # The package's service is not started here (no init system in CI containers); the tests start
    # their own server on a loopback port.
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; then
        if have promtool && have prometheus; then
            exit 0
        fi
    fi
    echo "pretest: installing prometheus failed; run: $install_cmd" >&2
    exit 1
fi

echo "pretest: the tests need promtool and prometheus (Debian package 'prometheus'). Run as root:" >&2
echo "    $install_cmd" >&2
exit 1
