#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then compiles and runs a program against
# the installed headers and libtilesim.a through pkg-config, and runs the installed tilesim
# (across two MPI ranks when built with MPI and mpirun is present). Arguments: BUILD_DIR
# SOURCE_DIR.
set -euo pipefail
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pc=$(pkg-config --cflags --libs tilesim)
if ls "$prefix"/include/tilesim/*-private.h >/dev/null 2>&1; then
    echo "FAIL: private headers installed"; exit 1
fi
# Every installed header stands alone.
for h in "$prefix"/include/tilesim/*.h; do
    echo "#include \"$(basename "$h")\"" > "$prefix/h.c"
    cc -std=gnu11 -c "$prefix/h.c" -o /dev/null $(pkg-config --cflags tilesim)
done
cat > "$prefix/use.c" <<'C'
#include <stdio.h>
#include "ts-arch.h"
#include "ts-model.h"
#include "ts-op.h"
#include "ts-sim.h"
int main(int argc, char **argv)
{
    g_autoptr(GError) e = NULL;
    g_autoptr(TsArch) a = ts_arch_load(argv[1], NULL, &e);
    if (a == NULL) {
        fprintf(stderr, "%s\n", e->message);
        return 1;
    }
    printf("%s: %u levels, %u storage\n", ts_arch_name(a), ts_arch_n_levels(a),
           ts_arch_n_storage(a));
    return 0;
}
C
cc -std=gnu11 "$prefix/use.c" -o "$prefix/use" $pc
"$prefix/use" "$src/arch/library/eyeriss-like.yaml"
# The installed tilesim runs; built with MPI, it finds its MPI module in the install layout
# (LIBDIR/tilesim, relative to the binary) and runs a sweep across two ranks.
"$prefix/bin/tilesim" --version
module=$(find "$prefix" -name tilesim-mpi.so -path '*/tilesim/*')
if [ -n "$module" ] && command -v mpirun >/dev/null; then
    cat > "$prefix/two.yaml" <<'Y'
sweep:
  name: two
  arch: eyeriss-like
  workload: bert-base
  ops: [softmax]
  parameters:
    glb_kb:
      values: [54, 108]
      arch:
        levels[GlobalBuffer].attributes.size: "${glb_kb}KB"
  mapper: {search: anneal, budget: 50, seed: 3}
Y
    mpirun --oversubscribe --allow-run-as-root -n 2 "$prefix/bin/tilesim" sweep "$prefix/two.yaml" \
        --out "$prefix/two" --threads 1 -q 2> "$prefix/two.err" || { cat "$prefix/two.err"; exit 1; }
    grep -q "on 2 processes" "$prefix/two.err" || { echo "FAIL: not 2 ranks"; cat "$prefix/two.err"; exit 1; }
fi
echo "1 passed, 0 failed"
