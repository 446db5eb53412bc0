"""scripts/compare_reference.py: the port against a tutorial's own code, on the port's own judge."""

import json
import sys
import types

import keras
import numpy as np
import pytest
from conftest import load_script, require_data

compare = load_script("compare_reference")


# What port_run reads besides the scores.
PORT_RUN_FIELDS = {
    "batch_size": 8,
    "steps_per_epoch": None,
    "wall_time_s": None,
    "peak_memory_mib": None,
    "cpu": "EPYC",
    "finished": True,
}


def run_row(side, seed, fds):
    return {"side": side, "seed": seed, "epochs": len(fds), "per_epoch": [{"fd": v} for v in fds]}


def test_the_summary_reads_each_side_at_the_last_and_best_epoch_and_says_where_the_port_lies():
    runs = [
        run_row("reference", 0, [30.0, 10.0, 12.0]),
        run_row("reference", 1, [40.0, 20.0, 16.0]),
        run_row("port", 0, [20.0, 5.0, 6.0]),
        run_row("port", 1, [25.0, 9.0, 8.0]),
    ]
    fd = compare.summary(runs)["scores"]["fd"]
    assert fd["reference"]["last"] == {"mean": 14.0, "min": 12.0, "max": 16.0, "n": 2}
    assert fd["reference"]["best"]["mean"] == 13.0 and fd["reference"]["best_epochs"] == [2, 3]
    assert fd["port"]["last"]["mean"] == 7.0
    assert fd["port_minus_reference_per_epoch"] == [-12.5, -8.0, -7.0]
    assert fd["verdict"] == {
        "last": "better than every reference seed",
        "late": "better than every reference seed",  # the last third of 3 epochs: the last
        "best": "better than every reference seed",
    }
    assert fd["port"]["late"] == fd["port"]["last"]
    # Higher is better for accuracy: a port mean inside the reference's range is within its spread.
    accuracy = [
        dict(r, per_epoch=[{"accuracy": v} for v in values])
        for r, values in zip(runs, ([0.5, 0.9], [0.6, 0.7], [0.6, 0.8], [0.7, 0.8]), strict=True)
    ]
    for r in accuracy:
        r["epochs"] = 2
    verdicts = compare.summary(accuracy)["scores"]["accuracy"]["verdict"]
    assert verdicts == dict.fromkeys(("last", "late", "best"), "within the reference's spread")
    assert (
        compare.verdict({"mean": 0.5}, {"min": 0.6, "max": 0.7}, "accuracy")
        == "worse than every reference seed"
    )


def test_the_late_point_is_each_runs_mean_over_the_last_third_of_the_epochs_it_was_scored():
    # One epoch's score swings: 6 epochs, the late mean is over epochs 5 and 6, skipping one not scored.
    swinging = [80.0, 60.0, 40.0, 30.0, 10.0, 50.0]
    steady = [90.0, 70.0, 50.0, 40.0, 35.0, 35.0]
    runs = [run_row("reference", 0, swinging), run_row("port", 0, steady), run_row("port", 1, steady)]
    runs[2]["per_epoch"][4] = {}  # epoch 5 not scored: epoch 6 alone
    s = compare.summary(runs)
    assert s["late_epochs"] == [5, 6]
    fd = s["scores"]["fd"]
    assert fd["reference"]["late"]["mean"] == 30.0  # (10 + 50) / 2
    assert fd["port"]["late"] == {"mean": 35.0, "min": 35.0, "max": 35.0, "n": 2}
    assert fd["verdict"]["last"] == "better than every reference seed"  # 35 against 50
    assert fd["verdict"]["late"] == "worse than every reference seed"  # 35 against 30
    assert list(compare.late_epochs(12)) == [9, 10, 11, 12] and list(compare.late_epochs(2)) == [2]
    for r in runs:
        r.update(PORT_RUN_FIELDS)
    text = compare.markdown("toy", runs, {"summary": s}, {})
    assert "| reference | 0 | 8 | one pass | 6 | 50 | 30 | 10 (5) | ? | ? |" in text  # last, late, best
    assert "| port | 1 | 8 | one pass | 6 | 35 | 35 | 35 (6) | ? | ? |" in text


def test_the_improved_kind_compares_two_sides_of_port_runs_under_its_own_names():
    improved = compare.KINDS["improved"]
    runs = [
        run_row("tutorial", 0, [30.0, 20.0]),
        run_row("tutorial", 1, [34.0, 24.0]),
        run_row("improved", 0, [12.0, 4.0]),
        run_row("improved", 1, [14.0, 6.0]),
    ]
    fd = compare.summary(runs, improved)["scores"]["fd"]
    assert fd["improved_minus_tutorial_per_epoch"] == [-19.0, -17.0]
    assert fd["verdict"]["last"] == "better than every tutorial seed"
    for r in runs:
        r.update(PORT_RUN_FIELDS, batch_size=256)
    result = {"summary": compare.summary(runs, improved)}
    text = compare.markdown("dcgan_mnist", runs, result, {"fd": 0.85}, improved)
    assert text.startswith("# dcgan_mnist: the tutorial's training against the improved one")
    assert "| fd | last | 22 (20 to 24) | 5 (4 to 6) | better than every tutorial seed |" in text
    assert "[improved.png](improved.png)" in text and "| 2 | 22 / 5 |" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["--reference", "a"],
        ["--tutorial", "a", "--port", "b"],
        ["--reference", "a", "--port", "b", "--improved", "c"],
        ["--recorded", "c.json"],
    ],
)
def test_one_kind_of_comparison_with_both_its_sides_or_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        compare.parse_args(["dcgan_mnist", *argv])
    assert exit.value.code == 2
    assert "give --reference and --port, or --tutorial and --improved" in capsys.readouterr().err


def write_reference_record(folder, epochs, seed, batch_size, output_range, finished):
    """A reference run's losses.json and run.json, as scripts/reference/run_files.py writes them."""
    (folder / "losses.json").write_text(
        json.dumps([{"epoch": e, "seconds": 1.0} for e in range(1, epochs + 1)])
    )
    record = {
        "source": "a test",
        "args": {"seed": seed, "batch_size": batch_size},
        "steps_per_epoch": 2,
        "generator_output_range": output_range,
        "cpu": "test CPU",
        "finished": finished,
    }
    (folder / "run.json").write_text(json.dumps(record))


def text_like_generator(seed):
    """A generator shaped as the text's ([z, one-hot] -> 28x28 tanh) but tiny."""
    keras.utils.set_random_seed(seed)
    z, label = keras.Input((100,)), keras.Input((10,))
    x = keras.layers.Dense(16, activation="relu")(keras.layers.Concatenate()([z, label]))
    x = keras.layers.Dense(784, activation="tanh")(x)
    return keras.Model([z, label], keras.layers.Reshape((28, 28, 1))(x))


@pytest.mark.slow
def test_a_comparison_scores_the_reference_on_the_ports_judge_and_writes_its_three_files(
    tmp_path, monkeypatch
):
    from keras_gans.metrics import load_classifier
    from keras_gans.presets import get_preset
    from keras_gans.runner import train

    mnist = require_data("mnist")
    judge_file = tmp_path / "mnist_classifier.keras"
    load_classifier("mnist", judge_file, mnist, epochs=1, max_examples=2000)
    monkeypatch.setenv("KERAS_GANS_CLASSIFIER", str(judge_file))
    # The port: two scored epochs of cgan_mnist, as small as its tests make it.
    port = tmp_path / "port_seed0"
    cgan = get_preset("cgan_mnist")
    options = {**cgan.tiny, "eval_every": 1, "eval_samples": 100}
    train(
        "cgan_mnist",
        **options,
        mnist_path=str(mnist),
        output_dir=str(port),
        epochs=2,
        steps_per_epoch=2,
        max_images=128,
        seed=0,
        verbose=0,
    )
    # A reference folder as scripts/reference/ writes one: a generator per epoch, in [0, 1].
    reference = tmp_path / "text_seed0"
    reference.mkdir()
    for epoch in (1, 2):
        text_like_generator(epoch).save(reference / f"generator_epoch_{epoch:04d}.keras")
    write_reference_record(reference, epochs=2, seed=0, batch_size=64, output_range=[0, 1], finished=True)
    (tmp_path / "text_seed0.time.txt").write_text("\tMaximum resident set size (kbytes): 204800\n")

    out = tmp_path / "comparison"
    assert (
        compare.main(["cgan_mnist", "--reference", str(reference), "--port", str(port), "--out", str(out)])
        == 0
    )

    result = json.loads((out / "comparison.json").read_text())
    ref_run, port_run = result["runs"]
    assert ref_run["peak_memory_mib"] == 200 and port_run["seed"] == 0
    # The reference's scores are the port's judge on its generators, read in [0, 1].
    config = cgan.config(**options, mnist_path=str(mnist), max_images=128)
    judge = cgan.quality(config, None)
    generator = keras.models.load_model(reference / "generator_epoch_0002.keras")
    generator.value_range = (0.0, 1.0)
    expected = judge(generator)
    assert ref_run["per_epoch"][1] == pytest.approx(expected, rel=1e-6)
    # Read as [-1, 1] (the generator's tanh) the same images score otherwise: the range is applied.
    generator.value_range = None
    assert judge(generator)["fd"] != pytest.approx(expected["fd"], rel=1e-3)
    # The port's scores are its own losses.csv's.
    with open(port / "losses.csv") as f:
        rows = f.read().splitlines()
    header = rows[0].split(",")
    last = dict(zip(header, rows[-1].split(","), strict=True))
    assert port_run["per_epoch"][-1]["fd"] == pytest.approx(float(last["val_fd"]))
    assert set(result["summary"]["scores"]) == {"fd", "accuracy"}
    table = (out / "comparison.md").read_text()
    assert "| reference | 0 | 64 | 2 | 2 |" in table and "200 MiB" in table and "Floor" in table
    assert (out / "comparison.png").stat().st_size > 10_000
    assert np.isfinite(result["floor"]["fd"])
    # Scored once: a second comparison reads the kept scores (here made up) instead of judging again.
    kept = json.loads((reference / "scores.json").read_text())
    kept["epochs"]["0002"]["fd"] = 123.0
    (reference / "scores.json").write_text(json.dumps(kept))
    assert (
        compare.main(["cgan_mnist", "--reference", str(reference), "--port", str(port), "--out", str(out)])
        == 0
    )
    assert json.loads((out / "comparison.json").read_text())["runs"][0]["per_epoch"][1]["fd"] == 123.0


def test_a_folder_that_is_not_a_run_or_a_run_in_its_first_epoch_is_one_line(tmp_path, capsys):
    assert compare.main(["cgan_mnist", "--reference", str(tmp_path), "--port", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    # A run just started: Keras' CSVLogger has opened its losses.csv, no epoch is written yet.
    started, scored = tmp_path / "tutorial_seed1", tmp_path / "improved_seed0"
    started.mkdir()
    scored.mkdir()
    (started / "losses.csv").write_text("")
    (scored / "losses.csv").write_text("epoch,d_loss,g_loss,val_fd\n0,1.3,0.7,225.4\n")
    assert compare.main(["dcgan_mnist", "--tutorial", str(started), "--improved", str(scored)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {started} has no finished epoch yet (its losses.csv is empty)\n"


def test_runs_whose_data_is_not_where_they_say_or_whose_options_are_unknown_are_one_line(tmp_path, capsys):
    # The judge reads the faces the runs trained on, from their recorded --data-dir (often relative:
    # ../shared/data/...), so a comparison made from another folder finds none.
    folders = []
    for name in ("tutorial_seed0", "improved_seed0"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "losses.csv").write_text("epoch,d_loss,g_loss,val_swd\n0,1.3,0.7,225.4\n")
        (folder / "run.json").write_text(json.dumps({"config": {"data_dir": str(tmp_path / "faces")}}))
        folders.append(str(folder))
    assert compare.main(["dcgan_celeba", "--tutorial", folders[0], "--improved", folders[1]]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: Image folder not found: {tmp_path / 'faces'} (") and err.count("\n") == 1
    # Options this version does not know (a run of another tutorial, or a newer version's): one line too.
    (tmp_path / "improved_seed0" / "run.json").write_text(json.dumps({"config": {"frames": 3}}))
    assert compare.main(["dcgan_celeba", "--tutorial", folders[0], "--improved", folders[1]]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {folders[1]} has options dcgan_celeba does not know: frames\n"


def test_the_pytorch_acgan_reference_is_scored_as_the_same_function_in_keras():
    pytest.importorskip("torch", reason="needs PyTorch, which keras_gans does not use")
    import torch
    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts" / "reference"))  # its sibling run_files, as when run
    try:
        reference = load_script("reference/acgan_mnist_text")
    finally:
        sys.path.remove(str(ROOT / "scripts" / "reference"))
    torch.manual_seed(3)
    generator = reference.Generator()
    z = np.random.default_rng(0).standard_normal((5, 100)).astype("float32")
    labels = np.eye(10, dtype="float32")[[0, 3, 5, 7, 9]]
    expected = generator(torch.from_numpy(z), torch.from_numpy(labels)).detach().numpy()
    converted = reference.keras_generator(generator)
    np.testing.assert_allclose(
        converted.predict([z, labels], verbose=0), expected.transpose(0, 2, 3, 1), atol=1e-6
    )


def test_a_stopped_port_run_is_drawn_from_its_best_when_that_is_the_epoch_compared(tmp_path):
    folder = tmp_path / "port_seed0"
    (folder / "best").mkdir(parents=True)
    z = keras.Input((4,))
    keras.Model(z, keras.layers.Reshape((2, 2, 1))(keras.layers.Dense(4, activation="tanh")(z))).save(
        folder / "best" / "generator.keras"
    )
    (folder / "best" / "best.json").write_text(json.dumps({"epoch": 1, "val_fd": 200.0}))
    run = {"side": "port", "folder": str(folder), "finished": False, "epochs": 1}
    generator, _ = compare.generator_at(run, 1)
    assert generator.output_shape == (None, 2, 2, 1)
    with pytest.raises(SystemExit, match="keeps no generator of epoch 2"):
        compare.generator_at(dict(run, epochs=2), 2)


@pytest.mark.parametrize("side", ["tutorial", "reference"])
def test_a_runs_files_copied_into_the_docs_are_pictured_by_their_own_grid_and_timed_by_their_report(
    tmp_path, side
):
    from PIL import Image

    # As in docs/results/<name>/improved_runs or a comparison's reference copies: no weights.
    folder = tmp_path / f"{side}_seed0"
    folder.mkdir()
    Image.new("L", (6, 4), 200).save(folder / "final.png")
    (folder / "time.txt").write_text(
        "\tElapsed (wall clock) time (h:mm:ss or m:ss): 21:30\n"
        "\tMaximum resident set size (kbytes): 1638400\n"
    )
    assert compare.elapsed_seconds(folder) == 1290.0 and compare.peak_memory_mib(folder) == 1600
    run = {"side": side, "folder": str(folder), "finished": True, "epochs": 5}
    grid = compare.last_grid(run, 5)
    assert grid.shape == (4, 6, 1) and (grid == 200).all() and run["grid"] == "its final.png"
    # The grid an earlier comparison of this kind drew of it (from the same latent vectors as the
    # other side's) comes first; a comparison of the other kind still takes its final.png.
    Image.new("L", (6, 4), 90).save(folder / f"comparison_{side}.png")
    grid = compare.last_grid(run, 5)
    assert (grid == 90).all() and run["grid"] == f"its comparison_{side}.png"
    assert (compare.last_grid(run, 5, stem="improved") == 200).all() and run["grid"] == "its final.png"
    (folder / f"comparison_{side}.png").unlink()
    # Not its last epoch (its final.png is not of the epoch compared), or no final.png: one line.
    with pytest.raises(SystemExit, match="keeps no generator of epoch 4"):
        compare.last_grid(dict(run), 4)
    (folder / "final.png").unlink()
    with pytest.raises(SystemExit, match="keeps no generator of epoch 5"):
        compare.last_grid(run, 5)


def test_a_run_resumed_over_sessions_is_timed_by_its_clock_and_its_memory_says_which_sessions_ended(
    tmp_path,
):
    # A 50-epoch run killed with two sessions (their /usr/bin/time died with them), finished in a third.
    folder = tmp_path / "improved_seed0"
    folder.mkdir()
    record = {
        "config": {"seed": 0, "batch_size": 256, "steps_per_epoch": None},
        "machine": {"cpu": "Xeon"},
        "wall_time_s": 5175.7,  # the last session's
        "resumed": True,
        "clock": {"seconds": 19337.1, "sessions": 3, "since_epoch": 0},
        "finished": "2026-12-06T16:32:01+0000",
    }
    (folder / "run.json").write_text(json.dumps(record))
    (folder / "losses.csv").write_text("epoch,d_loss,g_loss,val_fd\n0,1.3,0.7,225.4\n1,1.3,0.8,93.6\n")
    (tmp_path / "improved_seed0.time.txt").write_text(
        "\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:26:20\n"
        "\tMaximum resident set size (kbytes): 1583644\n"
    )
    run = compare.port_run(folder, "improved")
    assert run["wall_time_s"] == 19337.1 and run["clock"]["sessions"] == 3
    assert run["peak_memory_mib"] == 1547 and run["memory_sessions"] == 1
    # A run of one session: its wall time, as before. One begun before runs kept a clock: its epochs since.
    tutorial = {**run_row("tutorial", 0, [230.0, 120.0]), **PORT_RUN_FIELDS, "wall_time_s": 600.0}
    older = {**run_row("tutorial", 1, [240.0, 110.0]), **PORT_RUN_FIELDS, "wall_time_s": 400.0}
    older["clock"] = {"seconds": 400.0, "sessions": 1, "since_epoch": 1}
    runs = [tutorial, older, run]
    improved = compare.KINDS["improved"]
    text = compare.markdown("dcgan_mnist", runs, {"summary": compare.summary(runs, improved)}, {}, improved)
    assert "| 322 min in 3 sessions | 1,547 MiB (1 of 3 sessions) |" in text
    assert "| 10 min | ? |" in text and "| 7 min (epoch 2) | ? |" in text
    # Its last session alone (no clock, as before runs kept one): the wall time run.json has.
    del record["clock"]
    (folder / "run.json").write_text(json.dumps(record))
    assert compare.port_run(folder, "improved")["wall_time_s"] == 5175.7


def test_a_grid_another_comparison_drew_into_a_runs_folder_is_not_that_runs(tmp_path):
    from PIL import Image

    # docs/results/dcgan_mnist: the tutorial's 50-epoch run (its final.png), and the --out of a
    # 5-epoch comparison of other runs (improved.json, improved_tutorial.png).
    folder = tmp_path / "dcgan_mnist"
    folder.mkdir()
    Image.new("L", (6, 4), 200).save(folder / "final.png")
    Image.new("L", (6, 4), 90).save(folder / "improved_tutorial.png")
    other = {"side": "tutorial", "seed": 0, "folder": str(folder / "improved_runs" / "tutorial_seed0")}
    made = {"runs": [other], "summary": {"epochs_compared": 5}}
    (folder / "improved.json").write_text(json.dumps(made))
    run = {"side": "tutorial", "folder": str(folder), "finished": True, "epochs": 50}
    assert (compare.last_grid(run, 50, stem="improved") == 200).all() and run["grid"] == "its final.png"
    # Drawn of this run, at another epoch: still not the one compared.
    made["runs"][0]["folder"] = str(folder)
    (folder / "improved.json").write_text(json.dumps(made))
    assert (compare.last_grid(run, 50, stem="improved") == 200).all()
    # Drawn of this run at the epoch compared: that grid, from the other side's latent vectors.
    made["summary"]["epochs_compared"] = 50
    (folder / "improved.json").write_text(json.dumps(made))
    assert (compare.last_grid(run, 50, stem="improved") == 90).all()
    assert run["grid"] == "its improved_tutorial.png"


def test_runs_an_earlier_comparison_recorded_join_new_ones_drawn_from_its_grids(tmp_path, capsys):
    from PIL import Image

    # A comparison.json whose runs' folders are gone (another machine): its scores, its grids.
    judge = {"tutorial": "stylegan", "eval_samples": 1000}
    made = [
        dict(run_row(side, seed, [9.0, 8.0]), folder=f"runs/{side}_seed{seed}", finished=True)
        for side, seed in [("reference", 0), ("reference", 1), ("port", 0), ("port", 1)]
    ]
    record = tmp_path / "comparison.json"
    record.write_text(json.dumps({"judge": judge, "runs": made}))
    Image.new("L", (6, 4), 70).save(tmp_path / "comparison_port.png")
    recorded = compare.recorded_runs(record, judge)
    assert [(r["folder"], r["made_in"]) for r in recorded[2:]] == [
        (str(tmp_path), "runs/port_seed0"),
        (str(tmp_path), "runs/port_seed1"),
    ]
    # Its port seed 0 is drawn from the grid that comparison drew of it.
    assert (compare.last_grid(recorded[2], 2) == 70).all() and recorded[2][
        "grid"
    ] == "its comparison_port.png"
    # New port runs join after the recorded ones (side by side, the reference first); a seed given
    # again replaces its record.
    new = [run_row("port", 1, [7.0, 6.0]), run_row("port", 2, [5.0, 4.0])]
    joined = compare.with_recorded(new, recorded, "reference")
    assert [(r["side"], r["seed"]) for r in joined] == [
        ("reference", 0),
        ("reference", 1),
        ("port", 0),
        ("port", 1),
        ("port", 2),
    ]
    assert joined[3]["per_epoch"][-1] == {"fd": 6.0}  # the new seed 1, not its record
    # Joined again with its own output, the same runs: the command can be run again.
    assert compare.with_recorded(new, joined, "reference") == joined
    # Only a comparison with the tutorial's code has them.
    with pytest.raises(SystemExit):
        compare.parse_args(["stylegan", "--recorded", str(record), "--tutorial", "a", "--improved", "b"])
    assert "--recorded goes with --port" in capsys.readouterr().err
    # Scores of another judge do not compare: one line.
    with pytest.raises(SystemExit, match="not {'tutorial': 'stylegan', 'eval_samples': 500}"):
        compare.recorded_runs(record, {"tutorial": "stylegan", "eval_samples": 500})


def test_a_stopped_runs_wall_time_is_read_from_its_time_report(tmp_path):
    (tmp_path / "port_seed0.time.txt").write_text(
        "\tCommand terminated by signal 15\n\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02:03.5\n"
    )
    assert compare.elapsed_seconds(tmp_path / "port_seed0") == 3723.5
    assert compare.elapsed_seconds(tmp_path / "other") is None
    # A run resumed after a stop has a report for each part (/usr/bin/time -a): their sum.
    with open(tmp_path / "port_seed0.time.txt", "a") as report:
        report.write("\tElapsed (wall clock) time (h:mm:ss or m:ss): 10:00.25\n")
    assert compare.elapsed_seconds(tmp_path / "port_seed0") == 3723.5 + 600.25


def test_epochs_not_scored_are_left_out_of_the_bests_means_and_table():
    # --eval-every 2 on both sides: epochs 1 and 3 scored, epoch 2 not (None, as port_run reads "NA").
    improved = compare.KINDS["improved"]
    runs = [run_row("tutorial", s, [30.0 + s, None, 20.0 + s]) for s in (0, 1)]
    runs += [run_row("improved", s, [10.0 + s, None, 12.0 + s]) for s in (0, 1)]
    for r in runs:
        r.update(PORT_RUN_FIELDS)
    fd = compare.summary(runs, improved)["scores"]["fd"]
    assert fd["improved"]["best"]["mean"] == 10.5 and fd["improved"]["best_epochs"] == [1, 1]
    assert fd["tutorial"]["mean_per_epoch"] == [30.5, None, 20.5]
    assert fd["improved_minus_tutorial_per_epoch"] == [-20.0, None, -8.0]
    text = compare.markdown("cgan_rps", runs, {"summary": compare.summary(runs, improved)}, None, improved)
    assert "| 1 | 30.5 / 10.5 |" in text and "| 3 | 20.5 / 12.5 |" in text and "| 2 |" not in text


def test_runs_with_one_improvement_are_listed_and_plotted_but_not_summarised(tmp_path, monkeypatch):
    improved = compare.KINDS["improved"]
    runs = [
        run_row(side, seed, [30.0 - 10 * (side == "improved") + seed, 20.0])
        for side in ("tutorial", "improved")
        for seed in (0, 1)
    ]
    runs.append(run_row("ema", 0, [25.0, 15.0, 10.0]))  # a longer run does not shorten the comparison
    for r in runs:
        r.update(PORT_RUN_FIELDS)
    # A score added to the judge after the runs began is judged on each run's kept generator of the
    # epoch compared, and compared there only.
    judged = iter([0.2, 0.3, 0.8, 0.9, 0.5])
    monkeypatch.setattr(
        compare, "generator_at", lambda run, epoch, part: (types.SimpleNamespace(), (-1.0, 1.0))
    )
    for r in runs:
        compare.rescore_missing(
            r, 2, lambda generator: {"fd": 0.0, "variety": next(judged)}, {"fd": 1, "variety": 1}
        )
    assert runs[0]["rescored"] == ["variety"] and runs[0]["per_epoch"][1] == {"fd": 20.0, "variety": 0.2}
    assert "variety" not in runs[4]["per_epoch"][2]  # the alone run's epoch 2, not its last
    result = {"summary": compare.summary(runs, improved)}
    s = result["summary"]
    assert s["epochs_compared"] == 2 and set(s["scores"]) == {"fd", "variety"}
    assert s["scores"]["fd"]["tutorial"]["best"]["n"] == 2  # the ema run is neither side
    variety = s["scores"]["variety"]
    assert set(variety["verdict"]) == {"last"} and "best" not in variety["improved"]
    assert variety["verdict"]["last"] == "better than every tutorial seed"  # 0.85 against 0.2 to 0.3
    text = compare.markdown("cgan_rps", runs, result, None, improved)
    assert "| ema | 0 | 8 | one pass | 3 | 15 | 0.5* | 15 | - | 15 (2) | - |" in text  # last, late, best
    assert "judged here on the generator it kept" in text
    drawn = []
    compare.figure(
        "cgan_rps",
        runs,
        result,
        None,
        tmp_path / "improved.png",
        lambda run, epoch: drawn.append(run["side"]) or np.zeros((4, 4, 1), "uint8"),
        improved,
    )
    assert drawn == ["tutorial", "improved"] and (tmp_path / "improved.png").stat().st_size > 1000


def test_each_sides_grid_is_saved_alone_and_the_improved_gallery_pairs_them(tmp_path):
    from PIL import Image

    improved = compare.KINDS["improved"]
    runs = [run_row(side, 0, [30.0, 20.0]) for side in ("tutorial", "improved")]
    for r in runs:
        r.update(PORT_RUN_FIELDS)
    result = {"summary": compare.summary(runs, improved)}
    folder = tmp_path / "dcgan_mnist"
    folder.mkdir()
    pixels = {"tutorial": 0, "improved": 255}  # black grids for the tutorial, white for the improved
    compare.figure(
        "dcgan_mnist",
        runs,
        result,
        None,
        folder / "improved.png",
        lambda run, epoch: np.full((4, 4, 1), pixels[run["side"]], "uint8"),
        improved,
    )
    tutorial, better = (np.asarray(Image.open(folder / f"improved_{side}.png")) for side in pixels)
    assert tutorial.shape == better.shape == (4, 4) and tutorial.max() == 0 and better.min() == 255
    assert compare.improved_gallery(tmp_path) is None  # no improved.json: no comparison to show
    (folder / "improved.json").write_text(json.dumps(result))
    gallery = np.asarray(Image.open(compare.improved_gallery(tmp_path)))
    # A label above, then the tutorial's grid (black) left of the improved one (white), 180 pixels high.
    assert gallery.shape == (196, 2 * 180 + 4, 3)
    assert gallery[16:, :180].max() == 0 and gallery[16:, 184:].min() == 255
    assert gallery[:16].min() < 128  # the label's text is drawn, dark on white


def reference_runner(name, monkeypatch):
    """scripts/reference/<name>.py as a module (it imports its sibling run_files)."""
    import importlib.util

    from conftest import ROOT

    monkeypatch.syspath_prepend(str(ROOT / "scripts" / "reference"))
    spec = importlib.util.spec_from_file_location(name, ROOT / f"scripts/reference/{name}.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner


def cyclegan_runner(monkeypatch):
    return reference_runner("cyclegan_keras_io", monkeypatch)


def test_keras_io_cyclegan_translators_reload_with_their_paddings_and_translate_alike(tmp_path, monkeypatch):
    import tensorflow as tf

    runner = cyclegan_runner(monkeypatch)

    # keras.io's padding layer as its source defines it: its call takes a mask, it has no get_config.
    class ReflectionPadding2D(keras.layers.Layer):
        def __init__(self, padding=(1, 1), **kwargs):
            self.padding = tuple(padding)
            super().__init__(**kwargs)

        def call(self, input_tensor, mask=None):
            padding_width, padding_height = self.padding
            pad = [[0, 0], [padding_height, padding_height], [padding_width, padding_width], [0, 0]]
            return tf.pad(input_tensor, pad, mode="REFLECT")

    # The runner's change 7, as it inserts it into the source: the get_config keras.io lacks.
    patch = next(new for _, new, number, _ in runner.CHANGES if number == 7)
    exec(
        patch.split("\n\n\ndef residual_block(")[0],
        {"ReflectionPadding2D": ReflectionPadding2D, "layers": keras.layers},
    )

    def generator(name):
        image = keras.Input((8, 8, 3))
        out = keras.layers.Conv2D(3, 7, padding="valid")(ReflectionPadding2D(padding=(3, 3))(image))
        return keras.Model(image, out, name=name)

    gen_g, gen_f = generator("generator_G"), generator("generator_F")
    x, y = keras.Input((8, 8, 3), name="x"), keras.Input((8, 8, 3), name="y")
    translators = keras.Model([x, y], [gen_g(x), gen_f(y)])
    translators.save(tmp_path / "generator_epoch_0001.keras")  # as its hook saves them

    loaded = compare.load_reference(tmp_path / "generator_epoch_0001.keras")
    images = [np.random.default_rng(k).uniform(-1, 1, (2, 8, 8, 3)).astype("float32") for k in (0, 1)]
    for want, got in zip(translators(images), loaded(images), strict=True):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(want), atol=1e-6
        )
    from keras_gans.models.cyclegan import ReflectionPadding2D as PortPadding

    paddings = [
        layer.padding for m in loaded.layers[2:] for layer in m.layers if isinstance(layer, PortPadding)
    ]
    assert paddings == [(3, 3), (3, 3)]


def test_the_keras_io_cyclegan_runner_refuses_a_source_it_cannot_change(monkeypatch):
    runner = cyclegan_runner(monkeypatch)
    with pytest.raises(SystemExit, match="change 3 expects this passage 1 time"):
        runner.changed_source("print('not keras.io')\n")
    # Every passage present once, and the end marker: changed, and cut before keras.io's weights part.
    source = "\n".join(old for old, *_ in runner.CHANGES) + "\n" + runner.END + "\nload_weights()\n"
    changed = runner.changed_source(source)
    assert "steps_per_epoch=STEPS_PER_EPOCH" in changed and "(32, 32, 3)" in changed
    assert "load_weights" not in changed and "ModelCheckpoint" not in changed


def test_the_keras_io_stylegan_runner_changes_each_passage_as_often_as_the_source_has_it(monkeypatch):
    runner = reference_runner("stylegan_keras_io", monkeypatch)
    with pytest.raises(SystemExit, match="change 1 expects this passage 1 time"):
        runner.changed_source("print('not keras.io')\n")
    # keras.io's two filter tables (the generator's and the discriminator's) are both capped.
    source = "".join(old * times for old, _, _, times in runner.CHANGES)
    changed = runner.changed_source(source)
    assert changed.count("capped({") == 2 and changed.count("})  # 1024x1024") == 2
    assert "gdown.download" not in changed and "Input(shape=(512,))" in changed
    assert "callbacks=[HOOK]" in changed and "default_rng(SEED)" in changed
    # One table too few is a different version of the example: refused.
    with pytest.raises(SystemExit, match="change 4 expects this passage 2 time"):
        runner.changed_source(source.replace(runner.FILTER_TABLE, "", 1))


class KerasIoSampler(keras.Model):
    """What keras.io's StyleGAN offers the runner's hook: `alpha`, its resolutions and a `call` of
    a dict that returns uint8 images (here each pixel the first latent's value, to be traced)."""

    start_res_log2, target_res_log2, current_res_log2 = 2, 4, 3

    def __init__(self):
        super().__init__()
        self.alpha = keras.Variable(0.25, trainable=False)
        self.calls = []

    def call(self, inputs):
        self.calls.append(inputs)
        z = keras.ops.convert_to_numpy(inputs["z"])
        value = np.clip(np.round(z[:, 0] * 10 + 100), 0, 255).astype("uint8")
        return np.broadcast_to(value[:, None, None, None], (len(z), 8, 8, 3)).copy()


def test_the_stylegan_hook_saves_keras_ios_samples_at_the_target_size_every_unit_of_steps(
    tmp_path, monkeypatch
):
    runner = reference_runner("stylegan_keras_io", monkeypatch)
    folder = runner.RunFolder(str(tmp_path), {"source": "a test"})
    hook = runner.SaveSamples(folder, every=3, count=5, target=16, seed=0, batch=2)
    sampler = KerasIoSampler()
    hook.set_model(sampler)
    for step in range(7):  # two units of 3 steps, and one step of the third
        hook.on_train_batch_end(step, {"d_loss": 1.5, "g_loss": -0.5, "other": 9.0})
    saved = sorted(p.name for p in tmp_path.glob("samples_*"))
    assert saved == ["samples_epoch_0001.npy", "samples_epoch_0002.npy"]
    images = np.load(tmp_path / "samples_epoch_0002.npy")
    # keras.io's 8x8 images, nearest-upsampled to 16x16, from the same latent vectors at each unit.
    assert images.shape == (5, 16, 16, 3) and images.dtype == np.uint8
    want = np.clip(np.round(hook.z[:, 0] * 10 + 100), 0, 255).astype("uint8")
    np.testing.assert_array_equal(images[:, 15, 15, 0], want)
    np.testing.assert_array_equal(np.load(tmp_path / "samples_epoch_0001.npy"), images)
    # Its batches of 2 with their slices of the fixed noise maps (4x4 to 16x16), at training's alpha.
    first = sampler.calls[0]
    assert len(sampler.calls) == 6 and first["z"].shape == (2, 512)
    assert [n.shape for n in first["noise"]] == [(2, 4, 4, 1), (2, 8, 8, 1), (2, 16, 16, 1)]
    assert float(keras.ops.convert_to_numpy(first["alpha"])) == 0.25
    losses = json.loads((tmp_path / "losses.json").read_text())
    assert [e["epoch"] for e in losses] == [1, 2]
    assert losses[0]["resolution"] == 8 and losses[0]["d_loss"] == 1.5 and "other" not in losses[0]


def test_a_reference_that_kept_images_is_judged_on_them_in_its_own_range(tmp_path):
    reference = tmp_path / "keras_io_seed0"
    reference.mkdir()
    images = np.random.default_rng(0).integers(0, 256, (6, 4, 4, 3)).astype("uint8")
    np.save(reference / "samples_epoch_0001.npy", images)
    write_reference_record(reference, epochs=1, seed=3, batch_size=8, output_range=[0, 255], finished=False)
    seen = []

    def judge(generator):  # as the port's judges draw: latent vectors in, images out
        drawn = generator(np.zeros((4, 8), "float32"))
        seen.append(generator.value_range)
        return {"swd": float(drawn.mean())}

    run = compare.reference_run(reference, judge, {"tutorial": "stylegan"})
    assert run["per_epoch"] == [{"swd": pytest.approx(images[:4].mean())}]
    assert seen == [(0, 255)] and run["seed"] == 3 and not run["finished"]
    generator, value_range = compare.generator_at(run, 1)
    assert value_range == (0, 255)
    np.testing.assert_array_equal(generator(np.zeros((6, 8), "float32")), images)


def test_the_figure_gives_each_side_one_colour_however_many_sides_and_seeds(tmp_path):
    improved = compare.KINDS["improved"]
    runs = [run_row(side, seed, [30.0 + seed, 20.0]) for side in ("tutorial", "improved") for seed in (0, 1)]
    # Two seeds of seven improvements alone: more runs, and more sides, than the palette has colours.
    runs += [run_row(f"option{k}", seed, [25.0, 15.0]) for k in range(7) for seed in (0, 1)]
    for r in runs:
        r.update(PORT_RUN_FIELDS)
    result = {"summary": compare.summary(runs, improved)}
    path = tmp_path / "improved.png"
    compare.figure(
        "cgan_rps", runs, result, None, path, lambda run, epoch: np.zeros((4, 4, 1), "uint8"), improved
    )
    assert path.stat().st_size > 1000
