#!/usr/bin/env bash
# What the real Milvus cluster (`local up --engine milvus --topology cluster`) needs: etcd (Debian etcd-server), a JVM
# and Maven for Kafka, and the milvus wheel (pip) when missing. The Kafka jars themselves are fetched from Maven
# Central by the first `local up` into ~/.cache/milvus-bench (or $MILVUS_BENCH_CACHE) and reused afterwards.
# Idempotent; without root it installs nothing (the real-cluster tests then fail under CI=true, skip otherwise).
set -uo pipefail

if [ "$(id -u)" != "0" ]; then
  echo "real-cluster-env: not root; not installing etcd-server, java, maven"
  exit 0
fi

need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  echo "real-cluster-env: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || echo "real-cluster-env: apt-get update failed"
  # Debian starts etcd-server as a service on 2379, the port real Milvus standalone's embedded etcd wants:
  # forbid service starts during the install (policy-rc.d exit 101), unless the machine already has a policy
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || echo "real-cluster-env: could not install ${need[*]}"
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
fi
# the Milvus binary itself comes with the PyPI wheel (scripts/real-milvus-env.sh installs it too, when present)
if ! python3 -c 'import milvus' >/dev/null 2>&1; then
  echo "real-cluster-env: pip install milvus==2.3.5"
  python3 -m pip install -q milvus==2.3.5 || echo "real-cluster-env: could not pip install milvus==2.3.5"
fi
exit 0
