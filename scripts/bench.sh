#!/usr/bin/env bash
# factlint benchmark: generate a deterministic corpus and measure factlint against references.
#
#   scripts/bench.sh [SIZE]        SIZE like 200M (default), 1G
#
# Environment: SEED (default 1), BENCH_DIR (default $TMPDIR/factlint-bench; corpora are kept
# there and reused), CARGO_TARGET_DIR (as usual), FORMAT (factlint --format, default human),
# SMALL_RUNS (runs for the small-file latency, default 20), PGO=1 (measure the binary
# scripts/pgo-build.sh makes, the one we ship, and the plain release build beside it on the
# whole corpus).
#
# Needs GNU time (/usr/bin/time; `apt-get install time`) for peak RSS and ripgrep (`rg`;
# `apt-get install ripgrep` or `cargo install ripgrep`). When either is missing the script says so
# and tries apt-get. proselint and textlint are run on a ~1 MB sample when they are installed.
#
# Measured in one run: factlint on the whole corpus (wall, MB/s, peak RSS), `rg -c '[0-9]'` on the
# same files, the factlint/rg ratio, one 40 MB file alone, one small file (startup latency), and a
# corpus a tenth the size for linearity. The machine may be shared and noisy: read the ratios.
set -euo pipefail

SIZE="${1:-200M}"
SEED="${SEED:-1}"
FORMAT="${FORMAT:-human}"
SMALL_RUNS="${SMALL_RUNS:-20}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/factlint-bench}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$BENCH_DIR"

need() { # need CMD APT-PACKAGE
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "bench: '$1' is missing; installing the '$2' package with apt-get" >&2
        if command -v apt-get >/dev/null 2>&1; then
            (apt-get install -y "$2" || sudo apt-get install -y "$2") >/dev/null 2>&1 || true
        fi
        command -v "$1" >/dev/null 2>&1 || { echo "bench: please install $2" >&2; exit 2; }
    fi
}
if [ ! -x /usr/bin/time ]; then need /usr/bin/time time; fi
need rg ripgrep

echo "== building (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin factlint --example gen_corpus)
FACTLINT="$TARGET/release/factlint"
GEN="$TARGET/release/examples/gen_corpus"
PLAIN=""
if [ "${PGO:-0}" = 1 ]; then
    PLAIN="$FACTLINT"
    FACTLINT=$("$ROOT/scripts/pgo-build.sh")
fi

# Size in bytes from 200M / 1G / 1.5G.
to_bytes() {
    awk -v s="$1" 'BEGIN { n = s + 0; u = toupper(substr(s, length(s)));
        m = (u == "K") ? 1024 : (u == "M") ? 1048576 : (u == "G") ? 1073741824 : 1;
        printf "%d", n * m }'
}
BYTES=$(to_bytes "$SIZE")
TENTH=$((BYTES / 10))

corpus() { # corpus BYTES -> prints the folder, generating it once
    local dir="$BENCH_DIR/corpus-seed$SEED-$1"
    if [ ! -f "$dir/MANIFEST" ] || [ ! -f "$dir/rules/lexicon/measures.toml" ]; then
        rm -rf "$dir"
        echo "== generating $1 bytes into $dir" >&2
        "$GEN" --seed "$SEED" --size "$1" --out "$dir" >&2
    fi
    echo "$dir"
}
BIG=$(corpus "$BYTES")
SMALLC=$(corpus "$TENTH")

prose_bytes() { find "$1" -type f \( -name '*.md' -o -name '*.txt' \) -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
prose_files() { find "$1" -type f \( -name '*.md' -o -name '*.txt' \) | wc -l; }

# measure LABEL CMD... : sets WALL (s) and RSS (KB); output of CMD is discarded.
measure() {
    local label="$1"; shift
    local tf; tf=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$tf.err" || true
    read -r WALL RSS < <(tail -1 "$tf")
    if grep -qi 'panick' "$tf.err"; then echo "bench: $label panicked:" >&2; cat "$tf.err" >&2; fi
    rm -f "$tf" "$tf.err"
}
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t <= 0) t = 0.01; printf "%.1f", b / 1048576 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.01; printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# Warm the page cache so that both tools read from memory.
cat "$BIG"/large/* >/dev/null; find "$BIG" -type f -exec cat {} + >/dev/null

B_BYTES=$(prose_bytes "$BIG"); B_FILES=$(prose_files "$BIG")
S_BYTES=$(prose_bytes "$SMALLC")

echo "== factlint on $(mb "$B_BYTES") MB, $B_FILES files" >&2
# The generator declares its planted facts' measures in BIG/rules (as a team would), so that
# conflicting-figure has a real claim index to group.
RULES=(--rules "$BIG/rules")
measure factlint "$FACTLINT" check "$BIG" "${RULES[@]}" --format "$FORMAT" --fail-on never
F_WALL=$WALL; F_RSS=$RSS
PLAIN_LINE=""
if [ -n "$PLAIN" ]; then
    echo "== the plain release build (no PGO) on the same files" >&2
    measure factlint-plain "$PLAIN" check "$BIG" "${RULES[@]}" --format "$FORMAT" --fail-on never
    PLAIN_LINE="plain release build (no PGO) ${WALL} s   $(mbps "$B_BYTES" "$WALL") MB/s   peak RSS $((RSS / 1024)) MB   (PGO build: $(ratio "$F_WALL" "$WALL")x its time)"$'\n'
fi
echo "== rg -c '[0-9]' on the same files" >&2
measure rg rg -c '[0-9]' "$BIG"
R_WALL=$WALL; R_RSS=$RSS

echo "== linearity: a tenth of the corpus" >&2
find "$SMALLC" -type f -exec cat {} + >/dev/null
measure factlint-tenth "$FACTLINT" check "$SMALLC" --rules "$SMALLC/rules" --format "$FORMAT" --fail-on never
T_WALL=$WALL; T_RSS=$RSS

LARGE=$(ls -S "$BIG"/large/* | head -1)
L_BYTES=$(stat -c %s "$LARGE")
echo "== one large file: $LARGE ($(mb "$L_BYTES") MB)" >&2
measure factlint-large "$FACTLINT" check "$LARGE" "${RULES[@]}" --format "$FORMAT" --fail-on never
L_WALL=$WALL; L_RSS=$RSS
measure rg-large rg -c '[0-9]' "$LARGE"
LR_WALL=$WALL

# The smallest file (sed reads its whole input: `head` could end `sort` by SIGPIPE, which
# pipefail turns into an exit).
SMALLF=$(find "$BIG/docs" -type f -printf '%s %p\n' | sort -n | sed -n '1s/^[0-9]* //p')
echo "== one small file, $SMALL_RUNS runs: $SMALLF" >&2
t0=$(date +%s%N)
for _ in $(seq "$SMALL_RUNS"); do "$FACTLINT" check "$SMALLF" "${RULES[@]}" --format "$FORMAT" --fail-on never >/dev/null 2>&1 || true; done
t1=$(date +%s%N)
SMALL_MS=$(awk -v a="$t0" -v b="$t1" -v n="$SMALL_RUNS" 'BEGIN { printf "%.1f", (b - a) / 1e6 / n }')
# The loop above includes the shell's fork and wait (~1 ms here); perf stat times the process
# alone, with its spread. Both with default rules only too, the target's setting.
small_perf() { # small_perf ARGS... -> "mean ms +- spread %", or "perf not installed"
    if command -v perf >/dev/null 2>&1; then
        perf stat -r "$SMALL_RUNS" "$FACTLINT" check "$SMALLF" "$@" --format "$FORMAT" \
            --fail-on never 2>&1 >/dev/null |
            awk '/time elapsed/ { printf "%.1f ms +- %s", $1 * 1000, $(NF-1) }'
    else
        echo "perf not installed"
    fi
}
SMALL_PERF=$(small_perf "${RULES[@]}")
SMALL_PERF_DEFAULT=$(small_perf)

# proselint / textlint on a ~1 MB sample, when installed.
SAMPLE="$BENCH_DIR/sample-seed$SEED"
if [ ! -d "$SAMPLE" ]; then
    mkdir -p "$SAMPLE"; acc=0
    for f in $(find "$BIG/docs" -type f -name '*.md' | sort); do
        cp "$f" "$SAMPLE/"; acc=$((acc + $(stat -c %s "$f")))
        [ "$acc" -ge 1048576 ] && break
    done
fi
SAMPLE_BYTES=$(prose_bytes "$SAMPLE")
measure factlint-sample "$FACTLINT" check "$SAMPLE" "${RULES[@]}" --format "$FORMAT" --fail-on never
FS_WALL=$WALL
OTHERS=""
if command -v proselint >/dev/null 2>&1; then
    measure proselint sh -c "proselint $SAMPLE/*.md"
    OTHERS+="proselint on the sample     ${WALL} s  (factlint ${FS_WALL} s, ratio $(ratio "$WALL" "$FS_WALL")x slower)"$'\n'
else
    OTHERS+="proselint                   not installed, skipped"$'\n'
fi
if command -v textlint >/dev/null 2>&1; then
    measure textlint sh -c "cd $SAMPLE && textlint *.md"
    OTHERS+="textlint on the sample      ${WALL} s  (factlint ${FS_WALL} s, ratio $(ratio "$WALL" "$FS_WALL")x slower)"$'\n'
else
    OTHERS+="textlint                    not installed, skipped"$'\n'
fi

LIN=$(ratio "$F_WALL" "$T_WALL")
GROWTH=$(ratio "$B_BYTES" "$S_BYTES")
cat <<EOF

factlint benchmark  (seed $SEED, format $FORMAT, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))
binary                      $FACTLINT
corpus                      $(mb "$B_BYTES") MB in $B_FILES files ($BIG)
factlint                    ${F_WALL} s   $(mbps "$B_BYTES" "$F_WALL") MB/s   peak RSS $((F_RSS / 1024)) MB
${PLAIN_LINE}rg -c '[0-9]'               ${R_WALL} s   $(mbps "$B_BYTES" "$R_WALL") MB/s   peak RSS $((R_RSS / 1024)) MB
ratio factlint / rg         $(ratio "$F_WALL" "$R_WALL")x
one large file              $(mb "$L_BYTES") MB in ${L_WALL} s ($(mbps "$L_BYTES" "$L_WALL") MB/s, RSS $((L_RSS / 1024)) MB; rg ${LR_WALL} s)
one small file              ${SMALL_MS} ms per run (mean of $SMALL_RUNS, $(stat -c %s "$SMALLF") bytes)
  perf stat, same runs      ${SMALL_PERF} (with the corpus rules); ${SMALL_PERF_DEFAULT} (default rules)
linearity                   $(mb "$S_BYTES") MB in ${T_WALL} s (RSS $((T_RSS / 1024)) MB) -> ${GROWTH}x the data took ${LIN}x the time
sample for other linters    $(mb "$SAMPLE_BYTES") MB
$OTHERS
EOF
