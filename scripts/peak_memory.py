"""Peak memory and time of each tutorial's default run, as a user starts it: docs/speed.md's memory table.

Each tutorial's script runs as a subprocess under `/usr/bin/time -v`, with every default left as it
is (its model size, batch, scoring every epoch with its evaluation's sample count, TensorBoard,
checkpoints), on the shared data, one run after another. Only its first epoch runs, cut to
`--steps` steps: the memory a run needs is reached in its first epoch and its first evaluation,
which every later epoch repeats. StyleGAN grows through its resolutions by epochs, so it runs its
whole schedule at one step an epoch, to reach its last (largest) resolution and score there; it is
scored at its first epoch and its last only (`--eval-every` its epoch count): every evaluation holds
the same memory at its resolution, and 29 of them took over an hour. Its whole schedule still
takes hours on 2 cores (each new phase builds and compiles anew: 4-5 minutes an epoch at 16x16 on
the AVX2 EPYC).

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
WHOLE_SCHEDULE = {"stylegan": 29}  # every epoch (of its default 29), at one step each
MEMORY_SETTINGS = ("TF_ONEDNN_USE_SYSTEM_ALLOCATOR",)


def command(name, shared, standin, steps, output_dir, seed=None):
    args = RUNS[name].format(shared=shared, standin=standin).split()
    if seed is not None:
        args += ["--seed", str(seed)]
    if name in WHOLE_SCHEDULE:
        args += ["--steps-per-epoch", "1", "--eval-every", str(WHOLE_SCHEDULE[name])]
    else:
        args += ["--epochs", "1", "--steps-per-epoch", str(steps)]
    return [sys.executable, f"scripts/train_{name}.py", *args, "--output-dir", output_dir]


def measure(name, shared, standin, steps, folder, seed=None):
    output_dir = os.path.join(folder, name)
    argv = command(name, shared, standin, steps, output_dir, seed)
    began = time.time()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *argv], cwd=ROOT, capture_output=True, text=True, env=os.environ
    )
    wall = time.time() - began
    if result.returncode != 0:
        raise SystemExit(f"error: {name} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    scored = re.findall(r"\(scored in ([\d.]+) s\)", result.stdout)
    with open(os.path.join(output_dir, "run.json")) as file:
        record = json.load(file)
    trained = record["clock"]["seconds"] - sum(float(s) for s in scored) if record.get("clock") else None
    total_steps = steps if name not in WHOLE_SCHEDULE else record["config"]["epochs"]
    shown = " ".join(["python", *argv[1:]]).replace(output_dir, f"runs/memory/{name}")
    # The environment's choices that change memory, shown as part of the command.
    settings = [f"{key}={os.environ[key]}" for key in MEMORY_SETTINGS if key in os.environ]
    shown = " ".join([*settings, shown])
    with open(os.path.join(output_dir, "losses.csv")) as file:
        last = list(csv.DictReader(file))[-1]
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", required=True, help="the shared data folder (MNIST, faces, graphs)")
    parser.add_argument("--json", required=True, help="file to write the measurements into")
    parser.add_argument("--steps", type=int, default=20, help="steps of the first epoch (default: 20)")
    parser.add_argument("--only", nargs="+", choices=RUNS, default=list(RUNS), help="tutorials to measure")
    parser.add_argument("--seed", type=int, default=None, help="each run's --seed (default: none)")
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
            measured = measure(name, shared, standin, args.steps, folder, args.seed)
            results[name] = {**measured, "cpu": machine["cpu"]}
            print(name, json.dumps(results[name]), flush=True)
            record = {"machine": machine, "runs": results}
            with open(args.json, "w") as file:
                json.dump(record, file, indent=2)
            with open(os.path.splitext(args.json)[0] + ".md", "w") as file:
                file.write(table(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
