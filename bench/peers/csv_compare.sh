#!/usr/bin/env bash
# Descent vs PyTorch on CSV files the project has never seen (docs/lab-csv.md): generates a 3-class text-label
# classification CSV (rings, 2,000 training + 500 validation rows) and a regression CSV (Friedman #1, 2,000 + 500)
# with seed 2026, runs `descent compare` on each spec (SGD+momentum, Adam, AdamW × 3 seeds), then the same MLPs in
# PyTorch (bench/peers/csv_mlp.py), and prints the final-epoch validation metrics side by side.
# Usage: bench/peers/csv_compare.sh [OUT_DIR]   (needs dotnet and /usr/bin/python3 with torch: bench/install-peers.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-${TMPDIR:-/tmp}/descent-csv-compare}"
mkdir -p "$out/data"
gen() { python3 "$here/make_tabular.py" "$1" 2026 2500 "$out/data/$1-all.csv"
        head -n 2001 "$out/data/$1-all.csv" > "$out/data/$1-train.csv"
        { head -n 1 "$out/data/$1-all.csv"; tail -n 500 "$out/data/$1-all.csv"; } > "$out/data/$1-validation.csv"; }
gen rings
gen friedman1
cat > "$out/csv-rings.json" <<'JSON'
{ "name": "csv-rings",
  "task": { "kind": "csv", "train": "data/rings-train.csv", "validation": "data/rings-validation.csv", "target": "ring",
            "model": { "hidden": [64, 32], "activation": "relu" }, "batch_size": 64 },
  "budget": { "epochs": 40 }, "seeds": [0, 1, 2],
  "optimizers": [ { "name": "sgd", "lr": 0.05, "momentum": 0.9 }, { "name": "adam", "lr": 0.003 },
                  { "name": "adamw", "lr": 0.003, "weight_decay": 0.01 } ] }
JSON
cat > "$out/csv-friedman1.json" <<'JSON'
{ "name": "csv-friedman1",
  "task": { "kind": "csv", "train": "data/friedman1-train.csv", "validation": "data/friedman1-validation.csv", "target": "y",
            "problem": "regression", "model": { "hidden": [64, 64], "activation": "relu" }, "batch_size": 64 },
  "budget": { "epochs": 60 }, "seeds": [0, 1, 2],
  "optimizers": [ { "name": "sgd", "lr": 0.01, "momentum": 0.9 }, { "name": "adam", "lr": 0.003 },
                  { "name": "adamw", "lr": 0.003, "weight_decay": 0.01 } ] }
JSON
dotnet build "$root/src/Descent.Cli" -c Release -v q -nologo > /dev/null
cli="$(ls "$root"/src/Descent.Cli/bin/Release/*/Descent.Cli.dll | head -n 1)"
for s in csv-rings csv-friedman1; do
  rm -rf "$out/$s"
  dotnet "$cli" compare "$out/$s.json" --out "$out/$s" > "$out/$s.log"
  /usr/bin/python3 "$here/csv_mlp.py" "$out/$s.json" --descent "$out/$s"
  echo
done
