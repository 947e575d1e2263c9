#!/usr/bin/env bash
# The current oneDNN release from PyPI beside the bench's peer (Debian's oneDNN 2.6.3) and sepconv,
# on the bench layers at 1 and 2 threads: one table, GFLOP/s.
#
#   bash tools/onednn_current.sh        (after tools/build.sh; downloads ~2 GB of wheels once)
#
# Why it is not the bench's peer: PyPI's `onednn` 2026.1 is a SYCL build. Its CPU engine is a SYCL
# device on Intel's OpenCL CPU runtime (wheels intel-opencl-rt, dpcpp-cpp-rt: 2 GB installed), found
# only when OCL_ICD_FILENAMES names that runtime, and its threads are TBB's (one thread = the
# process pinned to one CPU). It runs the layers as the bench's peer does
# (bench/onednn_current_probe.cpp) but is timed on its own, not interleaved, and its output is not
# checked against sepconv's.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly ONEDNN_VERSION=2026.1.0
readonly dir=build/onednn-current
readonly venv=$dir/venv
readonly bench=build/release/bench/bench_sepconv
readonly layers=bench/layers.csv

[[ -x $bench ]] || { echo "onednn_current.sh: $bench not found: run tools/build.sh first" >&2; exit 1; }
if [[ ! -f $venv/lib/libdnnl.so ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "onednn==$ONEDNN_VERSION" "onednn-devel==$ONEDNN_VERSION"
fi
g++ -O2 -std=c++17 bench/onednn_current_probe.cpp -I"$venv/include" -L"$venv/lib" -ldnnl \
    -Wl,-rpath,"$PWD/$venv/lib" -o "$dir/onednn_current_probe"

probe() {  # CPU list, output file
    OCL_ICD_FILENAMES=$PWD/$venv/lib/libintelocl.so LD_LIBRARY_PATH=$PWD/$venv/lib ONEDNN_VERBOSE=0 \
        taskset -c "$1" "$dir/onednn_current_probe" "$layers" > "$2"
}
probe 0 "$dir/current_1.txt"
probe 0,1 "$dir/current_2.txt"
"$bench" --benchmark_filter='^(sepconv|onednn)/' --benchmark_repetitions=3 --benchmark_min_time=0.2 \
    --benchmark_enable_random_interleaving=true --benchmark_format=json > "$dir/bench.json" 2> /dev/null

python3 - "$dir" <<'EOF'
import json, re, statistics, sys
d = sys.argv[1]
current, version = {}, "?"
for threads in (1, 2):
    for line in open(f"{d}/current_{threads}.txt"):
        if line.startswith("#"):
            version = line[1:].strip()
            continue
        name, g = line.split()
        current[(name, threads)] = float(g)
samples = {}
for b in json.load(open(f"{d}/bench.json"))["benchmarks"]:
    m = re.match(r"(sepconv|onednn)/([\w.]+)/threads:(\d+)", b.get("run_name", ""))
    if b.get("run_type") == "iteration" and m and "GFLOP" in b:
        g = b["GFLOP"] * 1e-9 if b["GFLOP"] > 1e6 else b["GFLOP"]
        samples.setdefault((m.group(2), int(m.group(3)), m.group(1)), []).append(g)
print(f"{'layer':22} thr  sepconv  oneDNN 2.6.3 (bench)  {version} (PyPI)  current/2.6.3")
for (name, threads), g in current.items():
    s = statistics.median(samples.get((name, threads, "sepconv"), [float("nan")]))
    o = statistics.median(samples.get((name, threads, "onednn"), [float("nan")]))
    print(f"{name:22} {threads:>3}  {s:7.1f}  {o:20.1f}  {g:13.1f}  {g / o:13.2f}")
EOF
