#!/usr/bin/env bash
# sagasu side by side with Groonga on the same archive: build time and peak
# memory, index size, incremental re-index, start-up, library latency, and
# HTTP throughput/latency under the same query mix at 16 and 256 connections.
#
#   benches/compare/run.sh [N] [--index-only]
#
# N posts (default 10485, "the three shared corpora" of ../shared/README.md)
# are written by ../shared/bench/make-archive.py; everything else runs from
# this repository. --index-only stops after the build, size, incremental and
# start-up rows (for large N). Needs the Rust toolchain and apt: Groonga
# (with TokenMecab), wrk, GNU time and curl are installed from Debian when
# missing. Settings (environment):
#   SAGASU_COMPARE_DIR  work directory   (default: target/compare/N)
#   SHARED              the shared folder (default: ../shared beside the repo)
#   DURATION, WARMUP    seconds of each measured / warm-up wrk run (15, 5)
#   WRK_THREADS         wrk threads (1: the machine has 2 cores to share
#                       between the load generator and the server)
#   SAGASU_PORT, GROONGA_PORT  loopback ports (7791, 10041)
# The table is printed at the end and kept in $SAGASU_COMPARE_DIR/results.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=10485
index_only=false
for arg in "$@"; do
  case "$arg" in
  --index-only) index_only=true ;;
  [0-9]*) n=$arg ;;
  *) sed -n 2,20p "$0"; exit 2 ;;
  esac
done
shared=${SHARED:-$repo/../shared}
work=${SAGASU_COMPARE_DIR:-$repo/target/compare/$n}
duration=${DURATION:-15}
warmup=${WARMUP:-5}
wrk_threads=${WRK_THREADS:-1}
sagasu_port=${SAGASU_PORT:-7791}
groonga_port=${GROONGA_PORT:-10041}
[ -x "$shared/bench/make-archive.py" ] || { echo "no $shared/bench/make-archive.py (set SHARED)" >&2; exit 1; }
mkdir -p "$work"
work=$(cd "$work" && pwd)
log() { printf '== %s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------
missing=()
command -v groonga >/dev/null || missing+=(groonga-bin)
dpkg -s groonga-tokenizer-mecab >/dev/null 2>&1 || missing+=(groonga-tokenizer-mecab)
dpkg -s mecab-ipadic-utf8 >/dev/null 2>&1 || missing+=(mecab-ipadic-utf8)
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/bin/time ] || missing+=(time)
command -v curl >/dev/null || missing+=(curl)
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

log "building sagasu (release)"
(cd "$repo" && cargo build --release --locked -q)
sagasu=${CARGO_TARGET_DIR:-$repo/target}/release/sagasu

# --- helpers -----------------------------------------------------------------
# The servers this script started and has not stopped yet.
sagasu_pid="" groonga_pid=""
cleanup() {
  if [ -n "$sagasu_pid" ]; then kill "$sagasu_pid" 2>/dev/null || true; fi
  if [ -n "$groonga_pid" ]; then kill "$groonga_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

# timed OUT CMD...: runs CMD under GNU time; sets wall (s) and rss (MiB).
timed() {
  local out=$1; shift
  /usr/bin/time -v -o "$out.time" "$@" >"$out.log" 2>&1 || { cat "$out.log" "$out.time" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$out.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out.time")
  cpu=$(sed -n 's/^\s*Percent of CPU this job got: //p' "$out.time")
  cpu_s=$(cpu_seconds "$out.time")
}
# cpu_seconds TIME_FILE: user + system seconds (the work done, whatever else
# the machine was running).
cpu_seconds() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$1"; }
# mib DIR: disk space DIR takes (allocated blocks: Groonga's files are sparse).
mib() { du -s -B1 "$1" | awk '{printf "%.1f", $1 / 1048576}'; }
apparent_mib() { du -sb "$1" | awk '{printf "%.1f", $1 / 1048576}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# ready URL: waits (at most 120 s) until URL answers 200.
ready() {
  local i
  for ((i = 0; i < 12000; i++)); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.01
  done
  echo "no answer from $1" >&2; exit 1
}
free_port() { ! curl -s -o /dev/null "http://127.0.0.1:$1/" || { echo "port $1 is in use" >&2; exit 1; }; }

start_sagasu() {
  free_port "$sagasu_port"
  local t0; t0=$(now)
  SAGASU_LOG=warn "$sagasu" serve --index "$work/sagasu-index" --addr "127.0.0.1:$sagasu_port" \
    >>"$work/sagasu-serve.log" 2>&1 &
  sagasu_pid=$!
  ready "http://127.0.0.1:$sagasu_port/readyz"
  sagasu_startup=$(since "$t0")
}
stop_sagasu() { kill "$sagasu_pid"; wait "$sagasu_pid" 2>/dev/null || true; sagasu_pid=""; }
start_groonga() {
  free_port "$groonga_port"
  local t0; t0=$(now)
  # TZ only matters for Groonga's own time formatting; the filters are epochs.
  TZ=Asia/Tokyo "$shared/bench/groonga.sh" serve "$work/groonga-db" "$groonga_port" >>"$work/groonga-serve.log" 2>&1 &
  groonga_pid=$!
  ready "http://127.0.0.1:$groonga_port/d/status"
  groonga_startup=$(since "$t0")
}
stop_groonga() { kill "$groonga_pid"; wait "$groonga_pid" 2>/dev/null || true; groonga_pid=""; }

log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- archive -----------------------------------------------------------------
archive=$work/archive
if [ "$(cat "$work/archive.n" 2>/dev/null)" != "$n" ]; then
  log "writing a $n-post archive"
  rm -rf "$archive" "$work/archive.n"
  python3 "$shared/bench/make-archive.py" "$n" "$archive"
  echo "$n" >"$work/archive.n"
fi
post_bytes=$(find "$archive" -type f \( -name '*.md' -o -name '*.html' \) -printf '%s\n' | awk '{s += $1} END {print s}')
posts=$(find "$archive" -type f \( -name '*.md' -o -name '*.html' \) | wc -l)
post_mib=$(awk -v b="$post_bytes" 'BEGIN {printf "%.1f", b / 1048576}')
log "archive: $posts posts, $post_mib MiB of post files"

# --- build -------------------------------------------------------------------
log "sagasu: full build"
rm -rf "$work/sagasu-index"
timed "$work/sagasu-full" "$sagasu" index "$archive" --index "$work/sagasu-index"
s_wall=$wall s_rss=$rss s_cpu=$cpu s_cpu_s=$cpu_s
s_mbs=$(awk -v b="$post_bytes" -v t="$s_wall" 'BEGIN {printf "%.1f", b / 1048576 / t}')

log "sagasu: incremental run after editing one post"
edited=$(find "$archive" -type f -name '*.md' | sort | sed -n "$((posts / 2 + 1))p")
cp "$edited" "$work/edited.orig"
printf '\n追記\n' >>"$edited"
timed "$work/sagasu-incremental" "$sagasu" index "$archive" --index "$work/sagasu-index"
s_incr=$wall s_incr_rss=$rss
cp "$work/edited.orig" "$edited"
"$sagasu" index "$archive" --index "$work/sagasu-index" >/dev/null
timed "$work/sagasu-nochange" "$sagasu" index "$archive" --index "$work/sagasu-index"
s_noop=$wall

log "groonga: full build (groonga.sh index; posts2json.py conversion + load)"
timed_groonga() {
  /usr/bin/time -v -o "$work/groonga-full.time" "$shared/bench/groonga.sh" index "$archive" "$work/groonga-db" \
    >"$work/groonga-full.log" 2>&1 &
  local pid=$! peak=0 p hwm
  # Peak RSS of the groonga processes alone (GNU time's figure is the
  # largest of every child, the Python conversion included).
  while kill -0 "$pid" 2>/dev/null; do
    for p in $(pgrep -f "^groonga .*$work/groonga-db/posts\$" || true); do
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
      if [ "${hwm:-0}" -gt "$peak" ]; then peak=$hwm; fi
    done
    sleep 0.1
  done
  wait "$pid" || { cat "$work/groonga-full.log" >&2; exit 1; }
  g_rss=$(awk -v k="$peak" 'BEGIN {printf "%.0f", k / 1024}')
}
timed_groonga
g_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$work/groonga-full.time")
g_cpu=$(sed -n 's/^\s*Percent of CPU this job got: //p' "$work/groonga-full.time")
g_cpu_s=$(cpu_seconds "$work/groonga-full.time")
g_load=$(sed -n 's/^groonga index seconds: //p' "$work/groonga-full.log")
g_mbs=$(awk -v b="$post_bytes" -v t="$g_load" 'BEGIN {printf "%.1f", b / 1048576 / t}')

s_size=$(mib "$work/sagasu-index")
g_size=$(mib "$work/groonga-db")
g_apparent=$(apparent_mib "$work/groonga-db")

start_sagasu 256
stop_sagasu
start_groonga
stop_groonga

table=$work/results.md
{
  echo "N=$n: $posts posts, $post_mib MiB of post files; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); load average before the builds: $load_before"
  echo
  echo "| measure | sagasu | Groonga | sagasu vs Groonga |"
  echo "|---|---|---|---|"
  echo "| full build, wall | $s_wall s ($s_mbs MiB/s; $s_cpu_s CPU-s, $s_cpu CPU) | $g_load s load ($g_mbs MiB/s); $g_wall s with posts2json ($g_cpu_s CPU-s, $g_cpu CPU) | $(ratio "$g_load" "$s_wall")× faster than the load alone |"
  echo "| full build, peak RSS | $s_rss MiB | $g_rss MiB (groonga process) | $(ratio "$s_rss" "$g_rss")× |"
  echo "| index size (post files: $post_mib MiB) | $s_size MiB | $g_size MiB ($g_apparent MiB apparent) | $(ratio "$s_size" "$g_size")× |"
  echo "| re-index after editing 1 post | $s_incr s ($s_incr_rss MiB) | - | - |"
  echo "| re-index, nothing changed | $s_noop s | - | - |"
  echo "| start-up to ready (/readyz, /d/status) | $sagasu_startup s | $groonga_startup s | - |"
} >"$table"

if ! $index_only; then
  # --- query mix and library latency -----------------------------------------
  log "query mix (cargo bench --bench querymix)"
  (cd "$repo" && SAGASU_BENCH_ARCHIVE="$archive" SAGASU_BENCH_INDEX="$work/sagasu-index" \
    SAGASU_BENCH_MIX_OUT="$work/mix.tsv" cargo bench --locked -q --bench querymix) >"$work/library.txt"
  cat "$work/library.txt" >&2
  cut -f2 "$work/mix.tsv" >"$work/sagasu.paths"
  cut -f3 "$work/mix.tsv" >"$work/groonga.paths"
  lib_all=$(awk '$1 == "all" {print $5 " / " $6}' "$work/library.txt")
  lib_worst=$(awk 'NF == 7 && $2 ~ /^[0-9]+$/ && $1 != "all" && $6 + 0 > m + 0 {m = $6; c = $1} END {print m " (" c ")"}' "$work/library.txt")

  # --- HTTP ------------------------------------------------------------------
  # The machine may be shared: the CPU that processes other than the server
  # and wrk used during a run is reported with it (in cores).
  hz=$(getconf CLK_TCK)
  busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
  proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  # load PORT PATHS CONNECTIONS SERVER_PID: a warm-up run, then the measured
  # one; sets qps (2xx answers per second), p50/p99 (ms), bad (non-2xx and
  # errors) and others (cores used by other processes meanwhile).
  load() {
    wrk -t"$wrk_threads" -c"$3" -d"${warmup}s" --timeout 10s -s "$here/mix.lua" "http://127.0.0.1:$1" -- "$2" >/dev/null
    local result b0 s0 b1 s1 wrk_ticks
    b0=$(busy_ticks) s0=$(proc_ticks "$4")
    result=$(/usr/bin/time -f 'WRKCPU %U %S' -o "$work/wrk.time" \
      wrk -t"$wrk_threads" -c"$3" -d"${duration}s" --timeout 10s -s "$here/mix.lua" "http://127.0.0.1:$1" -- "$2" | grep '^RESULT')
    b1=$(busy_ticks) s1=$(proc_ticks "$4")
    wrk_ticks=$(awk -v hz="$hz" '/^WRKCPU/ {printf "%.0f", ($2 + $3) * hz}' "$work/wrk.time")
    others=$(awk -v b=$((b1 - b0)) -v s=$((s1 - s0)) -v w="$wrk_ticks" -v hz="$hz" -v d="$duration" \
      'BEGIN {o = (b - s - w) / hz / d; printf "%.2f", o < 0 ? 0 : o}')
    echo "$result others_cores=$others server_cores=$(awk -v s=$((s1 - s0)) -v hz="$hz" -v d="$duration" 'BEGIN {printf "%.2f", s / hz / d}')" >>"$work/wrk.log"
    field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $result"; }
    local requests non2xx
    requests=$(field requests) non2xx=$(field non2xx)
    qps=$(awk -v r="$requests" -v b="$non2xx" -v d="$(field duration_us)" 'BEGIN {printf "%.0f", (r - b) / d * 1e6}')
    p50=$(awk -v u="$(field p50_us)" 'BEGIN {printf "%.1f", u / 1000}')
    p99=$(awk -v u="$(field p99_us)" 'BEGIN {printf "%.1f", u / 1000}')
    bad=$((non2xx + $(field socket_errors) + $(field timeouts)))
  }
  : >"$work/wrk.log"
  : >"$work/http.md"
  log "HTTP: sagasu serve (default settings) and Groonga, $duration s per run after $warmup s of warm-up"
  start_sagasu
  start_groonga
  for c in 16 256; do
    log "$c connections"
    load "$sagasu_port" "$work/sagasu.paths" "$c" "$sagasu_pid"; s_qps=$qps s_p50=$p50 s_p99=$p99 s_bad=$bad s_others=$others
    load "$groonga_port" "$work/groonga.paths" "$c" "$groonga_pid"; g_qps=$qps g_p50=$p50 g_p99=$p99 g_bad=$bad g_others=$others
    {
      echo "| HTTP, $c connections: req/s (2xx) | $s_qps | $g_qps | $(ratio "$s_qps" "$g_qps")× |"
      echo "| HTTP, $c connections: p50 / p99 | $s_p50 / $s_p99 ms | $g_p50 / $g_p99 ms | p99 $(ratio "$s_p99" "$g_p99")× |"
      echo "| HTTP, $c connections: failed answers | $s_bad | $g_bad | - |"
      echo "| HTTP, $c connections: other processes' CPU meanwhile | $s_others cores | $g_others cores | - |"
    } >>"$work/http.md"
  done
  # A burst of one identical query (a post going viral): both engines cache
  # results, sagasu until the next commit, Groonga in its query cache.
  log "HTTP: one repeated query (the mix's first word query), 256 connections"
  grep -m1 '^word' "$work/mix.tsv" | cut -f2 >"$work/sagasu.burst"
  grep -m1 '^word' "$work/mix.tsv" | cut -f3 >"$work/groonga.burst"
  load "$sagasu_port" "$work/sagasu.burst" 256 "$sagasu_pid"; s_qps=$qps s_p50=$p50 s_p99=$p99 s_bad=$bad
  load "$groonga_port" "$work/groonga.burst" 256 "$groonga_pid"; g_qps=$qps g_p50=$p50 g_p99=$p99 g_bad=$bad
  {
    echo "| HTTP, one repeated query, 256 connections: req/s (2xx) | $s_qps | $g_qps | $(ratio "$s_qps" "$g_qps")× |"
    echo "| HTTP, one repeated query, 256 connections: p50 / p99 | $s_p50 / $s_p99 ms | $g_p50 / $g_p99 ms | p99 $(ratio "$s_p99" "$g_p99")× |"
    echo "| HTTP, one repeated query, 256 connections: failed answers | $s_bad | $g_bad | - |"
  } >>"$work/http.md"
  stop_sagasu
  stop_groonga
  {
    echo "| library, all $(grep -c . "$work/mix.tsv") queries: p50 / p99 | $lib_all ms | - | - |"
    echo "| library, worst class p99 | $lib_worst ms | - | - |"
    cat "$work/http.md"
  } >>"$table"
  rm -f "$work/http.md"
fi

echo
cat "$table"
echo
echo "(logs and the query mix are in $work; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
