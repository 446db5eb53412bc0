#!/usr/bin/env bash
# The runs of issue #29's side-by-side comparison of one tutorial (NAME: cgan_rps, dcgan_mnist or
# dcgan_celeba): the tutorial's training against the improved one, on the same data, budget, seeds
# and scoring points, and each improvement alone (one seed) to show what it buys.
#   sides: tutorial (the defaults), improved (--improved), and alone: ema (--ema-decay: 0.999, the
#   default improved set's; 0.99 for the hands, whose 300- to 600-step runs 0.999 cannot follow),
#   augment (--augment color,translation,cutout), augment_<policy>_... (e.g. augment_translation_cutout:
#   --augment translation,cutout), r1 (--r1-gamma, StyleGAN2-ADA's rule of thumb
#   0.0002 * resolution^2 / batch), ttur (--d-learning-rate: twice the tutorial's rate); the hands
#   also msgan (--mode-seeking 1, MSGAN's weight), msgan_<weight> (e.g. msgan_0.1: --mode-seeking 0.1),
#   minibatch_std (--minibatch-std) and batchnorm_eps (--batchnorm-epsilon 1e-5, PyTorch's default);
#   the DCGANs also dcgan_adam (--learning-rate 2e-4 --beta-1 0.5: the DCGAN paper's Adam, the face
#   tutorial text's, where keras.io and the TensorFlow tutorial have 1e-4 and 0.9).
#   A side joined with + takes each part's options: batchnorm_eps+msgan_0.01.
# Budgets (BUDGET overrides): the hands stand-in's 30 epochs at 32x32 (docs/results/cgan_rps), the
# MNIST DCGAN's 50 epochs, the faces' 60 epochs.
# Each run writes RUNS/<side>_seed<k>/ (RUNS: runs/improved/NAME), its log beside it and
# /usr/bin/time -v's report (<side>_seed<k>.time.txt, its peak memory), at a lower priority, on
# CPU core CORE if it is set (one queue per core), else on any. RUN_LIST ("<side> <seed>,...")
# picks the runs; default: tutorial and improved at seeds 0 and 1, then each improvement alone
# at seed 0. A finished run (its run.json says when it finished) is skipped; an unfinished one
# resumes (the scripts resume their folder).
# Then: python scripts/compare_reference.py NAME --tutorial RUNS/tutorial_seed{0,1} --improved RUNS/improved_seed{0,1}
set -u
cd "$(dirname "$0")/.."
NAME=${1:?usage: run_improved.sh cgan_rps|dcgan_mnist|dcgan_celeba}
RUNS=${RUNS:-runs/improved/$NAME}
SHARED=${SHARED:-../shared/data}
PYTHON=${PYTHON:-.venv/bin/python}
case "$NAME" in
    cgan_rps) budget="--data-dir data/rps_standin --image-size 32 --epochs 30 --eval-every 5 --sample-every 5
              --fashion-mnist-path $SHARED/fashion-mnist"
              r1=0.0016 d_rate=4e-4 ema=0.99 ;;  # 32^2 / batch 128; 2 x 2e-4
    dcgan_mnist) budget="--mnist-path $SHARED/mnist --epochs 50"
                 r1=0.0006 d_rate=2e-4 ema=0.999 ;;  # 28^2 / batch 256; 2 x 1e-4
    dcgan_celeba) budget="--data-dir $SHARED/celeba/img_align_celeba --epochs 60"
                  r1=0.0256 d_rate=2e-4 ema=0.999 ;;  # 64^2 / batch 32; 2 x 1e-4
    *) echo "unknown tutorial $NAME" >&2; exit 2 ;;
esac
budget=${BUDGET:-$budget}
if [ "$NAME" = cgan_rps ] && [ ! -d data/rps_standin ]; then
    "$PYTHON" scripts/make_rps_standin.py --fashion-mnist "$SHARED/fashion-mnist" --output data/rps_standin || exit 1
fi
default="tutorial 0,improved 0,tutorial 1,improved 1,ema 0,augment 0,r1 0,ttur 0"
IFS=, read -r -a runs <<<"${RUN_LIST:-$default}"
mkdir -p "$RUNS"
for run in "${runs[@]}"; do
    read -r side seed <<<"$run"
    out="$RUNS/${side}_seed$seed"
    if [ -f "$out/run.json" ] && grep -q '"finished": "' "$out/run.json"; then  # the time it finished
        echo "$(date -Is) $out finished already"; continue
    fi
    extra=()
    IFS=+ read -r -a parts <<<"$side"  # a side may join others: batchnorm_eps+msgan_0.01
    for part in "${parts[@]}"; do
        case "$part" in
            tutorial) ;;
            improved) extra+=(--improved) ;;
            ema) extra+=(--ema-decay "$ema") ;;
            augment) extra+=(--augment color,translation,cutout) ;;
            augment_*) policies=${part#augment_}; extra+=(--augment "${policies//_/,}") ;;
            r1) extra+=(--r1-gamma "$r1") ;;
            ttur) extra+=(--d-learning-rate "$d_rate") ;;
            dcgan_adam) extra+=(--learning-rate 2e-4 --beta-1 0.5) ;;
            msgan) extra+=(--mode-seeking 1) ;;
            msgan_*) extra+=(--mode-seeking "${part#msgan_}") ;;
            minibatch_std) extra+=(--minibatch-std) ;;
            batchnorm_eps) extra+=(--batchnorm-epsilon 1e-5) ;;
            *) echo "unknown side $part" >&2; exit 2 ;;
        esac
    done
    echo "$(date -Is) start $side seed $seed -> $out"
    # shellcheck disable=SC2086  # the budget is a list of words
    nice -n 10 ${CORE:+taskset -c "$CORE"} /usr/bin/time -v -a -o "$out.time.txt" "$PYTHON" scripts/train_"$NAME".py \
        $budget --seed "$seed" --output-dir "$out" "${extra[@]}" >>"$out.log" 2>&1
    status=$?  # before the date below: its command substitution would set $? to 0
    echo "$(date -Is) end $side seed $seed: exit $status"
done
