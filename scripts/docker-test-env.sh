#!/usr/bin/env bash
# Makes a Docker Engine available for the docker fault backend test: installs docker.io when missing,
# starts dockerd (vfs storage) when no engine answers, and imports a tiny busybox image built from
# Debian's busybox-static package (no registry needed). Idempotent; needs root to install or start.
set -euo pipefail
IMAGE="${MILVUS_BENCH_TEST_IMAGE:-milvus-bench-busybox:test}"
LOG="${MILVUS_BENCH_DOCKERD_LOG:-/tmp/milvus-bench-dockerd.log}"

engine_up() { docker info >/dev/null 2>&1; }

if ! engine_up; then
  if [ "$(id -u)" != "0" ]; then
    echo "docker-test-env: no Docker Engine answers and not root; cannot start one" >&2
    exit 1
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
  fi
  echo "docker-test-env: starting dockerd (log: $LOG)"
  nohup dockerd --storage-driver=vfs >"$LOG" 2>&1 &
  for _ in $(seq 1 60); do
    engine_up && break
    sleep 1
  done
  engine_up || { echo "docker-test-env: dockerd did not come up; last log lines:" >&2; tail -n 20 "$LOG" >&2; exit 1; }
fi

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download busybox-static >/dev/null)
  dpkg -x "$work"/busybox-static_*.deb "$work/root"
  # relative links: `busybox --install -s` would point at this temporary directory
  for applet in $("$work/root/bin/busybox" --list); do
    [ -e "$work/root/bin/$applet" ] || ln -s busybox "$work/root/bin/$applet"
  done
  mkdir -p "$work/root/tmp" "$work/root/usr" "$work/root/lib" "$work/root/lib64" "$work/root/proc" "$work/root/etc"
  tar -C "$work/root" -c . | docker import - "$IMAGE" >/dev/null
  echo "docker-test-env: imported $IMAGE"
fi
echo "docker-test-env: engine ready, image $IMAGE present"
