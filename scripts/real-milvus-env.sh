#!/usr/bin/env bash
# What the real Milvus standalone (`local up --engine milvus`) and the Python conformance flows need: the PyPI
# `milvus` wheel (milvus-server and the bundled server binary; 2.3.5 is the newest Linux wheel) and pymilvus 2.3.x.
# Idempotent: installs only what is missing. Does not start anything; the binary is unpacked by the first start
# into ~/.cache/milvus-bench (or $MILVUS_BENCH_CACHE).
set -uo pipefail

PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "real-milvus-env: no $PYTHON on PATH; cannot install milvus==2.3.5 (real-Milvus tests fail under CI=true)"
  exit 1
fi

want=()
"$PYTHON" -c 'import importlib.metadata as m, sys; sys.exit(m.version("milvus") != "2.3.5")' >/dev/null 2>&1 || want+=("milvus==2.3.5")
"$PYTHON" -c 'import importlib.metadata as m, sys; sys.exit(not m.version("pymilvus").startswith("2.3."))' >/dev/null 2>&1 || want+=("pymilvus>=2.3,<2.4")
if [ ${#want[@]} -gt 0 ]; then
  echo "real-milvus-env: pip install ${want[*]}"
  "$PYTHON" -m pip install -q --disable-pip-version-check "${want[@]}" || { echo "real-milvus-env: could not pip install ${want[*]}"; exit 1; }
  # pyenv only sees a new console script (milvus-server) after a rehash
  command -v pyenv >/dev/null 2>&1 && pyenv rehash
fi
# pymilvus 2.3 imports pkg_resources (gone from new setuptools) and its environs breaks on marshmallow 4
if ! "$PYTHON" -c 'import pymilvus' >/dev/null 2>&1; then
  echo 'real-milvus-env: pip install "setuptools<70" "marshmallow<4" (pymilvus 2.3 does not import otherwise)'
  "$PYTHON" -m pip install -q --disable-pip-version-check "setuptools<70" "marshmallow<4" || { echo "real-milvus-env: could not pip install setuptools<70 marshmallow<4"; exit 1; }
fi

if ! command -v milvus-server >/dev/null 2>&1; then
  echo "real-milvus-env: milvus is installed but milvus-server is not on PATH ($("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null) missing from PATH?)"
  exit 1
fi
echo "real-milvus-env: milvus $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("milvus"))') and pymilvus $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("pymilvus"))') ready ($(command -v milvus-server))"
exit 0
