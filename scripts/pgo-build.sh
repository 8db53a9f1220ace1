#!/usr/bin/env bash
# Build factlint with profile-guided optimisation (PGO): the release binary we measure and ship.
#
#   scripts/pgo-build.sh            prints the path of the optimised binary on stdout
#
# Three steps: an instrumented build runs a training workload (a generated corpus, never the
# benchmark's own seed, plus the bundled fixtures), llvm-profdata merges the counts, and a second
# build lays out and inlines the code from them. The source is the same as `cargo build --release`;
# only code placement, inlining and branch layout change, so the output is identical.
#
# Environment: CARGO_TARGET_DIR (as usual; the two builds go to its pgo-instrumented/ and pgo/
# folders, the training data to pgo-data/),
# PGO_SEED (training corpus seed, default 4242), PGO_SIZE (default 64M).
# Needs llvm-profdata from the same LLVM as rustc: `rustup component add llvm-tools`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
SEED="${PGO_SEED:-4242}"
SIZE="${PGO_SIZE:-64M}"
WORK="$TARGET/pgo-data"

# rustc's own llvm-profdata: a system one from another LLVM release may not read the raw format.
HOST=$(rustc -vV | sed -n 's/^host: //p')
PROFDATA="$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata"
if [ ! -x "$PROFDATA" ]; then
    echo "pgo-build: llvm-profdata is missing; adding the llvm-tools component with rustup" >&2
    rustup component add llvm-tools >&2 || rustup component add llvm-tools-preview >&2 || true
fi
if [ ! -x "$PROFDATA" ]; then
    echo "pgo-build: $PROFDATA not found; run \`rustup component add llvm-tools\`" >&2
    exit 2
fi

cd "$ROOT"
rm -rf "$WORK/raw"
mkdir -p "$WORK/raw"

echo "== pgo: instrumented build" >&2
# The generator is an ordinary release build: its counts would only add noise.
cargo build --release --quiet --example gen_corpus
RUSTFLAGS="-Cprofile-generate=$WORK/raw" CARGO_TARGET_DIR="$TARGET/pgo-instrumented" \
    cargo build --release --quiet --bin factlint
TRAINEE="$TARGET/pgo-instrumented/release/factlint"

CORPUS="$WORK/corpus-seed$SEED-$SIZE"
if [ ! -f "$CORPUS/MANIFEST" ]; then
    rm -rf "$CORPUS"
    echo "== pgo: generating the training corpus ($SIZE, seed $SEED)" >&2
    "$TARGET/release/examples/gen_corpus" --seed "$SEED" --size "$SIZE" --out "$CORPUS" >&2
fi
# Build scripts ran instrumented too; their counts are not factlint's.
rm -rf "$WORK/raw"
mkdir -p "$WORK/raw"

echo "== pgo: training" >&2
LARGE=$(ls -S "$CORPUS"/large/* | head -1)
SMALL=$(find "$CORPUS/docs" -type f -printf '%s %p\n' | sort -n | sed -n '1s/^[0-9]* //p')
train() { "$TRAINEE" "$@" >/dev/null 2>&1 || true; }
# What users run: a corpus with its own rules (every check, conflicts across files), the
# default rules with terminal output, one large file, the figures listing, and small runs.
train check "$CORPUS" --rules "$CORPUS/rules" --format json --fail-on never
train check "$CORPUS/docs" --format human --color always --fail-on never
train check "$LARGE" --rules "$CORPUS/rules" --format sarif --fail-on never
train figures "$CORPUS/docs" --format jsonl
for fmt in human concise jsonl github; do train check "$ROOT/fixtures" --format "$fmt" --fail-on never; done
for _ in 1 2 3 4 5; do train check "$SMALL" --fail-on never; done

"$PROFDATA" merge -o "$WORK/factlint.profdata" "$WORK/raw"

echo "== pgo: optimised build" >&2
RUSTFLAGS="-Cprofile-use=$WORK/factlint.profdata" \
    CARGO_TARGET_DIR="$TARGET/pgo" cargo build --release --quiet --bin factlint
echo "$TARGET/pgo/release/factlint"
