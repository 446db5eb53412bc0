#!/usr/bin/env bash
# The four dcgan_celeba reference runs of issue #27, one after another (never two at once):
# keras_io seed 0, text seed 0, keras_io seed 1, text seed 1; EPOCHS (20) epochs each of the
# faces in DATA, on CPU core 1 at the lowest priority. Each run writes into RUNS/<variant>_seed<k>/
# its log (train.log, appended to) and /usr/bin/time -v's report (time.txt, appended to: one per
# invocation, "Maximum resident set size" is the peak memory). Rerunning this script resumes each
# unfinished run from its last saved epoch and skips finished ones.
set -u
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs/reference/dcgan_celeba}
DATA=${DATA:-../shared/data/celeba/img_align_celeba}
PYTHON=${PYTHON:-.venv/bin/python}
EPOCHS=${EPOCHS:-20}
for run in "keras_io 0" "text 0" "keras_io 1" "text 1"; do
    read -r variant seed <<<"$run"
    out="$RUNS/${variant}_seed$seed"
    mkdir -p "$out"
    echo "$(date -Is) start $variant seed $seed -> $out"
    nice -n 19 taskset -c 1 /usr/bin/time -v -a -o "$out/time.txt" \
        "$PYTHON" scripts/reference/dcgan_celeba_keras_io.py --variant "$variant" --seed "$seed" \
        --epochs "$EPOCHS" --data-dir "$DATA" --output-dir "$out" >>"$out/train.log" 2>&1
    rc=$?
    echo "$(date -Is) end $variant seed $seed: exit $rc"
done
