"""Peak memory and time of each tutorial's default run, as a user starts it: docs/speed.md's memory table.

Each tutorial's script runs as a subprocess under `/usr/bin/time -v`, with every default left as it
is (its model size, batch, scoring every epoch with its evaluation's sample count, TensorBoard,
checkpoints), on the shared data, one run after another. Only its first epoch runs, cut to
`--steps` steps: the memory a run needs is reached in its first epoch and its first evaluation,
which every later epoch repeats. StyleGAN grows through its resolutions by epochs (29 of them to
64x64), and one step of keras.io's model takes minutes at 64x64 on 2 cores: its whole schedule at
one step an epoch would take over an hour. Its memory is measured by `stylegan_phases` instead,
in a process of its own under the same `/usr/bin/time -v`: the preset's model, data and batches,
one training step in each phase of its schedule (4x4 to 64x64, fading and stable: what the epochs
of a phase repeat), then its evaluation at 64x64, as the script's run scores (its TensorBoard,
checkpoints and sample grids left out).

    python scripts/peak_memory.py --shared ../shared/data --json docs/results/memory.json

With `--seed`, each run's last losses and scores (also recorded) can be compared between two
settings of the environment; one that changes memory (TF_ONEDNN_USE_SYSTEM_ALLOCATOR) is shown
in the command it was measured with:

    TF_ONEDNN_USE_SYSTEM_ALLOCATOR=0 python scripts/peak_memory.py --shared ../shared/data \
        --json before.json --only dcgan_celeba --seed 0

Writes, per tutorial: the command, the peak resident memory (`Maximum resident set size`), the
wall time, one evaluation's time (the last one, as the run printed it), the training steps' time
per step and the last epoch's losses and scores; with the machine. Beside the JSON, the same as a
table (memory.md), which docs/speed.md links. Needs GNU time (`apt-get install time`).
"""

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The data each default run reads ({shared}: the shared data folder; {standin}: the hands' stand-in).
RUNS = {
    "dcgan_celeba": "--data-dir {shared}/celeba/img_align_celeba",
    "dcgan_mnist": "--mnist-path {shared}/mnist/mnist_content_equivalent.npz",
    "gan_mnist": "--mnist-path {shared}/mnist/mnist_content_equivalent.npz",
    "cgan_mnist": "--mnist-path {shared}/mnist/mnist_content_equivalent.npz",
    "acgan_mnist": "--mnist-path {shared}/mnist/mnist_content_equivalent.npz",
    "cgan_rps": "--data-dir {standin} --fashion-mnist-path {shared}/fashion-mnist",
    "cyclegan": "--dataset sneaker2boot --fashion-mnist-path {shared}/fashion-mnist",
    "stylegan": "--data-dir {shared}/celeba/img_align_celeba",
    "dggan": "--data-dir {shared}/dggan/cora",
}
PHASES = {"stylegan"}  # measured one step a phase (`stylegan_phases`)
MEMORY_SETTINGS = ("TF_ONEDNN_USE_SYSTEM_ALLOCATOR",)


def command(name, shared, standin, steps, output_dir, seed=None, training_only=False):
    args = RUNS[name].format(shared=shared, standin=standin).split()
    if training_only:
        args += ["--eval-every", "0"]
    if seed is not None:
        args += ["--seed", str(seed)]
    if name in PHASES:
        return [
            sys.executable,
            "scripts/peak_memory.py",
            "--phases-of",
            name,
            *args,
            "--output-dir",
            output_dir,
        ]
    args += ["--epochs", "1", "--steps-per-epoch", str(steps)]
    return [sys.executable, f"scripts/train_{name}.py", *args, "--output-dir", output_dir]


def stylegan_phases(argv):
    """StyleGAN's default run, one training step in each phase of its schedule, then its evaluation.

    Writes <output-dir>/phases.json: the steps, their seconds (each phase's first step traces its
    graph: included), the time of one more step of the last phase (traced already), the scores;
    prints "(scored in S s)" as a run does.
    """
    import keras_gans  # noqa: F401  (before TensorFlow: its settings, as the scripts have them)
    from keras_gans.cli import parse_options
    from keras_gans.presets import get_preset
    from keras_gans.presets.stylegan import schedule

    preset = get_preset("stylegan")
    config = preset.config(**parse_options(preset, argv))  # as the script reads its command line
    data = preset.load_data(config)
    gan = preset.build(config, data)
    phases = []
    for phase in schedule(config):
        gan.set_stage(phase.resolution, phase.batch_size)
        gan.set_phase(1, 2 if phase.fading else 0)  # halfway through a fade: both paths in use
        began = time.time()
        logs = gan.fit(data.dataset, epochs=1, steps_per_epoch=1, verbose=0).history
        phases.append(
            {
                "resolution": phase.resolution,
                "fading": phase.fading,
                "batch": phase.batch_size,
                "seconds": round(time.time() - began, 1),
                "losses": {k: v[-1] for k, v in logs.items()},
                # The process's high-water mark so far (Linux: KiB): which phase reached the peak.
                "peak_so_far_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
        print(json.dumps(phases[-1]), flush=True)
    began = time.time()  # one more step of the last phase, traced already: the time of a step
    gan.fit(data.dataset, epochs=1, steps_per_epoch=1, verbose=0)
    step_seconds = round(time.time() - began, 2)
    score_fn = preset.quality(config, data)
    began = time.time()
    scores = {k: float(v) for k, v in score_fn(gan.sampler).items()}
    print(f"{json.dumps(scores)} (scored in {time.time() - began:.1f} s)", flush=True)
    os.makedirs(config["output_dir"], exist_ok=True)
    with open(os.path.join(config["output_dir"], "phases.json"), "w") as file:
        json.dump({"phases": phases, "step_seconds": step_seconds, "scores": scores}, file, indent=1)


def measure(name, shared, standin, steps, folder, seed=None, training_only=False):
    output_dir = os.path.join(folder, name)
    argv = command(name, shared, standin, steps, output_dir, seed, training_only)
    began = time.time()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *argv], cwd=ROOT, capture_output=True, text=True, env=os.environ
    )
    wall = time.time() - began
    if result.returncode != 0:
        raise SystemExit(f"error: {name} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    scored = re.findall(r"\(scored in ([\d.]+) s\)", result.stdout)
    if name in PHASES:
        with open(os.path.join(output_dir, "phases.json")) as file:
            probe = json.load(file)
        trained, total_steps = probe["step_seconds"], 1  # a step of the last phase (64x64)
        extra = {"phases": probe["phases"]}
        last = {**probe["phases"][-1]["losses"], **{f"val_{k}": v for k, v in probe["scores"].items()}}
    else:
        with open(os.path.join(output_dir, "run.json")) as file:
            record = json.load(file)
        trained = record["clock"]["seconds"] - sum(float(s) for s in scored) if record.get("clock") else None
        total_steps = steps
        extra = {}
        with open(os.path.join(output_dir, "losses.csv")) as file:
            last = list(csv.DictReader(file))[-1]
    shown = " ".join(["python", *argv[1:]]).replace(output_dir, f"runs/memory/{name}")
    # The environment's choices that change memory, shown as part of the command.
    settings = [f"{key}={os.environ[key]}" for key in MEMORY_SETTINGS if key in os.environ]
    shown = " ".join([*settings, shown])
    return {
        "command": shown.replace(shared, "../shared/data").replace(standin, "data/rps_standin"),
        "peak_rss_mib": round(peak_kb / 1024),
        "wall_s": round(wall, 1),
        "evaluation_s": float(scored[-1]) if scored else None,
        "evaluations": len(scored),
        "step_s": round(trained / total_steps, 2) if trained is not None else None,
        "steps": total_steps,
        "date": time.strftime("%Y-%m-%d"),
        # The last epoch's losses and scores: with --seed, the same whatever memory setting is in force.
        "last_epoch": {key: float(value) for key, value in last.items() if value not in ("", "NA")},
        **extra,
    }


def table(record):
    """The measurements as a Markdown page: one row per tutorial, the machine and date above."""
    machine = record["machine"]
    lines = [
        "# Peak memory of each tutorial's default run",
        "",
        f"Written by `python scripts/peak_memory.py` from [memory.json](memory.json); last run on "
        f"{machine['cpu']}, {machine['cpu_count']} cores, TensorFlow {machine['tensorflow']}, Keras "
        f"{machine['keras']} (each row's CPU and date beside it). What each run did and why its memory is "
        "what it is: [docs/speed.md](../speed.md#memory).",
        "",
        "| tutorial | peak resident memory | one evaluation | one training step | CPU | date | command |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for name, run in record["runs"].items():
        evaluation = f"{run['evaluation_s']:.0f} s" if run["evaluation_s"] is not None else "-"
        step = f"{run['step_s']:.2f} s" if run["step_s"] is not None else "-"
        lines.append(
            f"| {name} | {run['peak_rss_mib']:,} MiB | {evaluation} | {step} | {run['cpu']} | "
            f"{run['date']} | "
            f"`{run['command']}` |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["--phases-of", "stylegan"]:  # the measured process of `stylegan_phases`
        return stylegan_phases(argv[2:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", required=True, help="the shared data folder (MNIST, faces, graphs)")
    parser.add_argument("--json", required=True, help="file to write the measurements into")
    parser.add_argument("--steps", type=int, default=20, help="steps of the first epoch (default: 20)")
    parser.add_argument("--only", nargs="+", choices=RUNS, default=list(RUNS), help="tutorials to measure")
    parser.add_argument("--seed", type=int, default=None, help="each run's --seed (default: none)")
    parser.add_argument(
        "--training-only",
        action="store_true",
        help="with --eval-every 0 (no scoring): training's own memory, in rows of their own",
    )
    args = parser.parse_args(argv)
    if not os.path.exists("/usr/bin/time"):
        parser.error("needs GNU time at /usr/bin/time (apt-get install time)")
    machine = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import json; from keras_gans.runtime import describe_machine; "
                "print(json.dumps(describe_machine()))",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    shared = os.path.abspath(args.shared)
    results = {}
    if os.path.exists(args.json):  # measure the others, keep what was measured before
        with open(args.json) as file:
            results = json.load(file).get("runs", {})
    # The judges, trained (and cached) once, as a user's first scored run trains them once; in a
    # process of their own, as TensorFlow's idle threads here would take CPU from the measured runs.
    code = (
        "from keras_gans.metrics import load_classifier\n"
        f"load_classifier('mnist', data_path={os.path.join(shared, 'mnist')!r})\n"
        f"load_classifier('fashion_mnist', data_path={os.path.join(shared, 'fashion-mnist')!r})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as folder:
        standin = os.path.join(folder, "rps_standin")
        if "cgan_rps" in args.only:
            subprocess.run(
                [
                    sys.executable,
                    "scripts/make_rps_standin.py",
                    "--fashion-mnist",
                    os.path.join(shared, "fashion-mnist"),
                    "--output",
                    standin,
                ],
                cwd=ROOT,
                check=True,
            )
        for name in args.only:
            measured = measure(name, shared, standin, args.steps, folder, args.seed, args.training_only)
            row = f"{name}, training only" if args.training_only else name
            results[row] = {**measured, "cpu": machine["cpu"]}
            print(row, json.dumps(results[row]), flush=True)
            record = {"machine": machine, "runs": results}
            with open(args.json, "w") as file:
                json.dump(record, file, indent=2)
            with open(os.path.splitext(args.json)[0] + ".md", "w") as file:
                file.write(table(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
