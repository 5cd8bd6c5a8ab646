#!/usr/bin/env bash
# Installs the benchmark peers: PyTorch and numpy from Debian, with the multi-threaded OpenBLAS
# (without libopenblas0-pthread numpy/torch fall back to the reference BLAS, ~8 GFLOP/s).
# Usage: sudo bench/install-peers.sh   (the benchmarks run the peers with /usr/bin/python3)
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends python3-torch python3-numpy libopenblas0-pthread python3-threadpoolctl
/usr/bin/python3 -c 'import torch, numpy; print("torch", torch.__version__, "numpy", numpy.__version__)'
