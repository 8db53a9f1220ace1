#!/usr/bin/env bash
# Linearity by document shape: each stress shape of `examples/gen_shapes.rs` (footnotes, a long
# list, a table, block quotes, excerpts, one long paragraph with and without quotations, one of
# footnotes flattened into the text) at 1 MB and at 4 MB, factlint's user time on each, and the
# ratio. A ratio well above 4 means some lookup grows with the square of a block (one long
# paragraph was 18x before the lookups became binary searches).
#
#   scripts/shapes.sh            # 1M and 4M
#   SMALL=2M LARGE=16M scripts/shapes.sh
set -euo pipefail
SMALL="${SMALL:-1M}"
LARGE="${LARGE:-4M}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/factlint-bench}/shapes"
[ -x /usr/bin/time ] || { echo "shapes: needs GNU time (/usr/bin/time)" >&2; exit 2; }

(cd "$ROOT" && cargo build --release --quiet --bin factlint --example gen_shapes)
for s in "$SMALL" "$LARGE"; do
    [ -d "$DIR/$s" ] || "$TARGET/release/examples/gen_shapes" --size "$s" --out "$DIR/$s"
done

user_time() { # user_time FILE -> seconds of user CPU
    /usr/bin/time -f '%U' "$TARGET/release/factlint" check "$1" --format json --fail-on never \
        2>&1 >/dev/null | tail -1
}
printf '%-24s %10s %10s %7s\n' shape "$SMALL (s)" "$LARGE (s)" ratio
for f in "$DIR/$SMALL"/*; do
    name=$(basename "$f")
    a=$(user_time "$f")
    b=$(user_time "$DIR/$LARGE/$name")
    awk -v n="$name" -v a="$a" -v b="$b" 'BEGIN { r = (a > 0) ? b / a : 0;
        printf "%-24s %10.2f %10.2f %7.1f\n", n, a, b, r }'
done
