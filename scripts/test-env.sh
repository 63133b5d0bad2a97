#!/usr/bin/env bash
# Prepares a machine for the full test suite: Debian's chromium (HTML report test) and a Docker Engine
# (docker fault backend test). Idempotent. Without root it installs nothing and the tests that need
# these say so and skip.
set -uo pipefail
cd "$(dirname "$0")/.."

# pip, no root needed: the real Milvus standalone (milvus wheel) and pymilvus for the conformance flows
if [ -x scripts/real-milvus-env.sh ]; then
  scripts/real-milvus-env.sh || echo "test-env: real Milvus not installed; real-Milvus tests fail under CI=true"
fi

if [ "$(id -u)" != "0" ]; then
  echo "test-env: not root; skipping system packages (chromium/docker tests will be skipped with a reason)"
  exit 0
fi

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-env: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || echo "test-env: apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || echo "test-env: could not install ${need[*]}"
fi

if [ -x scripts/real-cluster-env.sh ]; then
  scripts/real-cluster-env.sh || echo "test-env: etcd/java/maven for the real Milvus cluster not available"
fi

if [ -x scripts/docker-test-env.sh ]; then
  scripts/docker-test-env.sh || echo "test-env: docker engine not available; docker tests will be skipped"
fi
exit 0
