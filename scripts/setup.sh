#!/usr/bin/env bash
# Installs what Mizzen needs on a Debian 12 machine, as root: the kernel tools it drives
# (iptables, iproute2, conntrack), the clients its tests use, the benchmark's load generators
# and reference proxy (haproxy, wrk, nghttp2-client for h2load, iperf3), Prometheus (the HTTP tests scrape with it), and the npm dependencies,
# which include Node 24 itself (the `node` package), so npm scripts run on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "scripts/setup.sh: run as root (Mizzen programs iptables and network namespaces)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  iptables iproute2 conntrack curl util-linux procps ca-certificates python3 nginx-light \
  haproxy wrk nghttp2-client iperf3 prometheus
npm ci --no-audit --no-fund
