#!/usr/bin/env bash
# The runs of issue #27's comparison of one tutorial (NAME: cgan_mnist, acgan_mnist, gan_mnist,
# dcgan_mnist, dcgan_celeba, cyclegan or stylegan), one after another: the text's code
# (scripts/reference/<NAME>_text.py; keras.io's for cyclegan and stylegan) and the port (its
# script, its defaults), on the same data, batch and steps: EPOCHS epochs (10; dcgan_celeba and
# cyclegan 12).
#   cgan_mnist: the text's batch of 64, its "epoch" of 60000 // 64 = 937 random batches (the port
#     is given --batch-size 64 --steps-per-epoch 937); sides text, port.
#   acgan_mnist: batch 64 on both sides (the port's default), 938 batches an epoch (the last of 32)
#     on both; sides as_written (the text's generator never trains), trains, port.
#   gan_mnist: the text's batch of 256 (half real, half fake), 234 batches an epoch, on both sides
#     (the port's defaults: its composite loop); sides text, port.
#   dcgan_mnist: the text's batch of 256, one pass over the 60,000 digits an epoch (235 batches, the
#     last of 96) on both sides (the port's defaults); sides text, port.
#   dcgan_celeba: the shared faces (FACES), batch 32 (both sources'), one pass an epoch (94
#     batches), in bfloat16 on both sides (a CPU budget: scripts/reference/README.md says what it
#     changes and saves); sides keras_io and text (scripts/reference/dcgan_celeba_keras_io.py
#     --variant), port.
#   cyclegan: the Fashion-MNIST stand-in (sneakers <-> ankle boots, 32x32), batch 1 (keras.io's),
#     250 steps an epoch on both sides (the port's result's budget: 12 x 250); sides keras_io
#     (scripts/reference/cyclegan_keras_io.py, run from keras.io's source at KERAS_IO_CYCLEGAN,
#     default data/keras_io/cyclegan.py: see that script), port.
#   stylegan: the shared faces (FACES), keras.io's schedule to 32x32 (19 units of STEPS steps:
#     100, keras.io's own call), batch 32 (16 at 32x32), filters capped at 64 (the port's result's
#     size); sides keras_io (scripts/reference/stylegan_keras_io.py, from keras.io's source at
#     KERAS_IO_STYLEGAN, default data/keras_io/stylegan.py), port (scripts/train_stylegan.py),
#     port_average (the port on 2x2 means of the faces: --real-resize average), port_eager (the
#     port's step run op by op, as keras.io runs its own: --run-eagerly).
# Each run writes RUNS/<side>_seed<k>/ (RUNS: runs/reference/NAME), its log beside it
# (<side>_seed<k>.log) and /usr/bin/time -v's report (<side>_seed<k>.time.txt: "Maximum resident
# set size" is the peak memory), at a lower priority, on CPU core CORE if it is set, else on any.
# RUN_LIST ("<side> <seed>,..."; default: every side, seeds 0 and 1) splits the runs into queues,
# e.g. one per core (CORE=0, CORE=1).
# A finished run (its run.json says so) is skipped when this is run again. An unfinished port run
# resumes (the port's scripts resume a run folder from its last epoch; its log and time report are
# appended to), and so does the faces' reference (its hook saves each epoch); any other unfinished
# reference run starts over (the tutorials' code has no resume).
set -u
cd "$(dirname "$0")/../.."
NAME=${1:?usage: run_comparison.sh cgan_mnist|acgan_mnist|gan_mnist|dcgan_mnist|dcgan_celeba|cyclegan|stylegan}
RUNS=${RUNS:-runs/reference/$NAME}
MNIST=${MNIST:-../shared/data/mnist}
FASHION_MNIST=${FASHION_MNIST:-../shared/data/fashion-mnist}
KERAS_IO_CYCLEGAN=${KERAS_IO_CYCLEGAN:-data/keras_io/cyclegan.py}
KERAS_IO_STYLEGAN=${KERAS_IO_STYLEGAN:-data/keras_io/stylegan.py}
FACES=${FACES:-../shared/data/celeba/img_align_celeba}
STEPS=${STEPS:-100}
PYTHON=${PYTHON:-.venv/bin/python}
case "$NAME" in
    cgan_mnist | gan_mnist | dcgan_mnist) default="text 0,port 0,text 1,port 1" EPOCHS=${EPOCHS:-10} ;;
    acgan_mnist) default="as_written 0,trains 0,port 0,trains 1,port 1" EPOCHS=${EPOCHS:-10} ;;
    dcgan_celeba) default="keras_io 0,text 0,port 0,keras_io 1,text 1,port 1" EPOCHS=${EPOCHS:-12} ;;
    cyclegan) default="keras_io 0,port 0,keras_io 1,port 1" EPOCHS=${EPOCHS:-12} ;;
    stylegan) default="keras_io 0,port 0,keras_io 1,port 1" ;;  # keras.io's schedule: 19 units
    *) echo "unknown tutorial $NAME" >&2; exit 2 ;;
esac
finished() { [ -f "$1/run.json" ] && grep -qE '"finished": (true|")' "$1/run.json"; }  # a reference's true, a port's time
IFS=, read -r -a runs <<<"${RUN_LIST:-$default}"
for run in "${runs[@]}"; do
    read -r side seed <<<"$run"
    out="$RUNS/${side}_seed$seed"
    if finished "$out"; then echo "$(date -Is) $out finished already"; continue; fi
    case "$NAME/$side" in
        cyclegan/port) command=(scripts/train_cyclegan.py --dataset sneaker2boot --fashion-mnist-path "$FASHION_MNIST") ;;
        cyclegan/keras_io) command=(scripts/reference/cyclegan_keras_io.py --source "$KERAS_IO_CYCLEGAN"
                                    --fashion-mnist "$FASHION_MNIST") ;;
        stylegan/port) command=(scripts/train_stylegan.py --epochs 19) ;;
        stylegan/port_average) command=(scripts/train_stylegan.py --epochs 19 --real-resize average) ;;
        stylegan/port_eager) command=(scripts/train_stylegan.py --epochs 19 --run-eagerly) ;;
        dcgan_celeba/port) command=(scripts/train_dcgan_celeba.py) ;;
        dcgan_celeba/*) command=(scripts/reference/dcgan_celeba_keras_io.py --variant "$side") ;;
        stylegan/keras_io) command=(scripts/reference/stylegan_keras_io.py --source "$KERAS_IO_STYLEGAN") ;;
        */port) command=(scripts/train_"$NAME".py --mnist-path "$MNIST" --epochs "$EPOCHS" --seed "$seed"
                         --output-dir "$out")
                if [ "$NAME" = cgan_mnist ]; then command+=(--batch-size 64 --steps-per-epoch 937); fi ;;
        cgan_mnist/text) command=(scripts/reference/cgan_mnist_text.py --batch-size 64) ;;
        gan_mnist/text) command=(scripts/reference/gan_mnist_text.py) ;;
        dcgan_mnist/text) command=(scripts/reference/dcgan_mnist_text.py) ;;
        acgan_mnist/*) command=(scripts/reference/acgan_mnist_text.py --variant "$side") ;;
        *) echo "unknown side $side of $NAME" >&2; exit 2 ;;
    esac
    if [[ "$side" == port* || "$NAME" == dcgan_celeba ]] && [ -d "$out" ]; then  # the faces' reference resumes too
        echo "$(date -Is) resume $side seed $seed -> $out"
    else
        rm -rf "$out" "$out.log" "$out.time.txt" && mkdir -p "$RUNS"
        echo "$(date -Is) start $side seed $seed -> $out"
    fi
    if [ "$NAME" = dcgan_celeba ]; then
        command+=(--data-dir "$FACES" --epochs "$EPOCHS" --mixed-precision bfloat16 --seed "$seed" --output-dir "$out")
    elif [ "$NAME" = cyclegan ]; then
        command+=(--epochs "$EPOCHS" --steps-per-epoch 250 --seed "$seed" --output-dir "$out")
    elif [ "$NAME" = stylegan ]; then
        command+=(--data-dir "$FACES" --target-size 32 --steps-per-epoch "$STEPS" --batch-size 32
                  --max-filters 64 --seed "$seed" --output-dir "$out")
    elif [ "$side" != port ]; then
        command+=(--mnist-path "$MNIST/mnist_content_equivalent.npz" --epochs "$EPOCHS" --seed "$seed"
                  --output-dir "$out")
    fi
    nice -n 10 ${CORE:+taskset -c "$CORE"} /usr/bin/time -v -a -o "$out.time.txt" "$PYTHON" "${command[@]}" >>"$out.log" 2>&1
    status=$?  # before the date below: its command substitution would set $? to 0
    echo "$(date -Is) end $side seed $seed: exit $status"
done
