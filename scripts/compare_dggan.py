"""The DGGAN port against the reference: one table, written from the runs' own files.

    python scripts/compare_dggan.py --reference runs/dggan_reference/cora.json \
        --runs runs/dggan_cora_s0 runs/dggan_cora_s1 runs/dggan_google_s0 runs/dggan_google_s1

reads the reference's AUCs (`scripts/dggan_reference.py`'s JSON: every discriminator epoch) and
each port run folder (`run.json` and `losses.csv`: every outer epoch), and writes
docs/results/dggan/comparison.json (the numbers) and comparison.md (the tables docs/dggan.md
links to). The reference's AUCs after an outer epoch are those after its last discriminator
epoch, the ones the port logs (its generator epochs leave the discriminator's tables alone).
Per graph: every run's AUCs after its last outer epoch, the mean and spread of the port's runs at
the reference's schedule, and `auc_50` / `auc_100` after each outer epoch. No number is typed by
hand.
"""

import argparse
import json
import os
import sys
from pathlib import Path

OUT = "docs/results/dggan"
AUCS = ("auc_0", "auc_50", "auc_100")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--reference", nargs="*", default=[], type=Path, help="dggan_reference.py's JSON files"
    )
    parser.add_argument("--runs", nargs="+", required=True, type=Path, help="the port's run folders")
    parser.add_argument("--out", default=OUT, type=Path, help="where the two files go (default: %(default)s)")
    return parser.parse_args(argv)


def reference_row(path):
    """The reference's run: AUCs after each outer epoch (its last discriminator epoch's)."""
    record = json.loads(path.read_text())
    last_d = record["config"]["d_epoch"] - 1
    per_epoch = [{k: a[k] for k in AUCS} for a in record["aucs"] if a["d_epoch"] == last_d]
    return {
        "run": "reference",
        "graph": Path(record["data_dir"]).name,
        "seed": None,  # the reference seeds nothing
        "pairing": "all_pairs",
        "epochs": len(per_epoch),
        "schedule": record["config"]["n_epoch"],
        "finished": bool(record.get("finished")),
        "per_epoch": per_epoch,
        "wall_time_s": record["wall_time_s"],
        "cpu": record["cpu"],
        "source": str(path),
    }


def port_row(folder):
    """A port run: AUCs after each outer epoch, from its losses.csv."""
    from keras_gans.plotting import read_loss_csv

    record = json.loads((folder / "run.json").read_text())
    config = record["config"]
    history = read_loss_csv(folder / "losses.csv")
    per_epoch = [{k: history[f"val_{k}"][i] for k in AUCS} for i in range(len(history["epoch"]))]
    return {
        "run": "port",
        "graph": Path(config["data_dir"]).name if config.get("data_dir") else config["dataset"],
        "seed": config["seed"],
        "pairing": config["pairing"],
        "epochs": len(per_epoch),
        "schedule": config["epochs"],
        "finished": bool(record.get("finished")),
        "per_epoch": per_epoch,
        "wall_time_s": record["wall_time_s"],
        "cpu": record["machine"]["cpu"],
        "source": str(folder),
    }


def summary(rows):
    """Per graph: the port's mean and spread (max - min) over its longest finished all-pairs runs,
    and the reference's AUCs after as many outer epochs, where it ran them."""
    out = {}
    for graph in sorted({r["graph"] for r in rows}):
        ports = [
            r
            for r in rows
            if r["graph"] == graph and r["run"] == "port" and r["pairing"] == "all_pairs" and r["finished"]
        ]
        if not ports:
            continue
        longest = max(r["epochs"] for r in ports)  # compare like with like: the longest runs only
        ports = [r for r in ports if r["epochs"] == longest]
        entry = {"port_runs": len(ports), "epochs": ports[0]["epochs"]}
        for k in AUCS:
            values = [r["per_epoch"][-1][k] for r in ports]
            entry[k] = {"mean": sum(values) / len(values), "spread": max(values) - min(values)}
        # The reference after as many outer epochs (its JSON has every one, finished or not).
        n = entry["epochs"]
        references = [r for r in rows if r["graph"] == graph and r["run"] == "reference" and r["epochs"] >= n]
        if references:
            entry["reference"] = {k: references[0]["per_epoch"][n - 1][k] for k in AUCS}
            entry["port_minus_reference"] = {k: entry[k]["mean"] - entry["reference"][k] for k in AUCS}
            # Over every outer epoch: the largest gap between the port's mean and the reference,
            # beside the largest gap between two of the port's seeds (the noise to judge it by).
            epochs = range(n)
            entry["largest_gap_any_epoch"] = {
                k: max(
                    abs(
                        sum(r["per_epoch"][e][k] for r in ports) / len(ports)
                        - references[0]["per_epoch"][e][k]
                    )
                    for e in epochs
                )
                for k in AUCS
            }
            entry["largest_seed_spread_any_epoch"] = {
                k: max(
                    max(r["per_epoch"][e][k] for r in ports) - min(r["per_epoch"][e][k] for r in ports)
                    for e in epochs
                )
                for k in AUCS
            }
        out[graph] = entry
    return out


def seed_label(row):
    return "unseeded" if row["seed"] is None else row["seed"]  # the reference seeds nothing


def markdown(rows, summaries):
    lines = []
    for graph in sorted({r["graph"] for r in rows}):
        mine = [r for r in rows if r["graph"] == graph]
        lines += [
            f"## {graph}",
            "",
            "After each run's last outer epoch (the reference's schedule is 5):",
            "",
            "| run | seed | pairing | outer epochs | auc_0 | auc_50 | auc_100 | wall time |",
            "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in mine:
            last = r["per_epoch"][-1] if r["per_epoch"] else dict.fromkeys(AUCS, float("nan"))
            lines.append(
                f"| {r['run']} | {seed_label(r)} | {r['pairing']} "
                f"| {r['epochs']} of {r['schedule']}{'' if r['finished'] else ' (stopped)'} "
                + "".join(f"| {last[k]:.4f} " for k in AUCS)
                + f"| {r['wall_time_s'] / 60:.0f} min |"
            )
        s = summaries.get(graph)
        if s:
            lines += [
                "",
                f"The port over {s['port_runs']} seed(s), all pairs, {s['epochs']} outer epochs, "
                "mean (spread):",
            ]
            lines.append(", ".join(f"{k} {s[k]['mean']:.4f} ({s[k]['spread']:.4f})" for k in AUCS) + ".")
            if "port_minus_reference" in s:
                lines.append(
                    "Port minus reference: "
                    + ", ".join(f"{k} {s['port_minus_reference'][k]:+.4f}" for k in AUCS)
                    + "."
                )
                lines.append(
                    "Over every outer epoch, the largest gap between the port's mean and the reference: "
                    + ", ".join(f"{k} {s['largest_gap_any_epoch'][k]:.4f}" for k in AUCS)
                    + "; the largest gap between two of the port's seeds: "
                    + ", ".join(f"{k} {s['largest_seed_spread_any_epoch'][k]:.4f}" for k in AUCS)
                    + "."
                )
        most = max(r["epochs"] for r in mine)
        lines += [
            "",
            "`auc_50` / `auc_100` (direction) after each outer epoch:",
            "",
            "| run | seed | pairing | " + " | ".join(str(e) for e in range(1, most + 1)) + " |",
            "| --- | ---: | --- |" + " ---: |" * most,
        ]
        for r in mine:
            cells = [f"{e['auc_50']:.3f} / {e['auc_100']:.3f}" for e in r["per_epoch"]] + [""] * (
                most - r["epochs"]
            )
            lines.append(f"| {r['run']} | {seed_label(r)} | {r['pairing']} | " + " | ".join(cells) + " |")
        lines.append("")
    cpus = sorted({r["cpu"] for r in rows})
    lines.append(f"Machine: {', '.join(cpus)} (each run's own record).")
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    missing = [str(p) for p in args.reference if not p.is_file()] + [
        str(f) for f in args.runs if not (f / "run.json").is_file() or not (f / "losses.csv").is_file()
    ]
    if missing:
        print(
            f"error: not a reference JSON or a run folder with run.json and losses.csv: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    rows = [reference_row(p) for p in args.reference] + [port_row(f) for f in args.runs]
    summaries = summary(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "comparison.json").write_text(
        json.dumps({"runs": rows, "summary": summaries}, indent=1) + "\n"
    )
    (args.out / "comparison.md").write_text(markdown(rows, summaries))
    print(f"wrote {os.path.join(args.out, 'comparison.json')} and comparison.md ({len(rows)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
