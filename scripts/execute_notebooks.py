"""Execute the notebooks at their short size and write them back with their outputs, to be committed.

python scripts/execute_notebooks.py                          # every notebook
python scripts/execute_notebooks.py dcgan_mnist gan_mnist    # these only

Each notebook runs top to bottom in a fresh kernel with KERAS_GANS_NOTEBOOK=short
(`keras_gans.notebook.settings` then adds its preset's `notebook` settings: a few
minutes on a 2-core CPU) and the project's shared data (KERAS_GANS_SHARED_DATA, default
../shared/data). Its runs are written in a temporary folder, never in the checkout. The
notebook is rewritten only when every cell ran without an error and the file stays under
--max-kb; its metadata records what ran it (mode, date, CPU, wall time). Needs the `dev`
extra (nbclient, ipykernel).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package, even without an editable install


def execute(path, max_kb):
    """Executes the notebook at `path` in short mode; returns (ok, message)."""
    import nbclient
    import nbformat

    from keras_gans.runtime import describe_machine

    notebook = nbformat.read(path, as_version=4)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix=f"notebook_{path.stem}_") as workdir:
        client = nbclient.NotebookClient(
            notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": workdir}}
        )
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as error:
            return False, f"{path.name}: a cell failed, notebook left as it was:\n{str(error)[-2000:]}"
    # A learner reads anything on stderr (TensorFlow's C++ lines, a Keras warning) as an error.
    stderr = [
        "".join(output.get("text", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stderr"
    ]
    if stderr:
        return False, f"{path.name}: a cell wrote to stderr, notebook left as it was:\n{stderr[0][:2000]}"
    machine = describe_machine()
    notebook.metadata["keras_gans"] = {
        "mode": "short",
        "executed": time.strftime("%Y-%m-%d"),
        "cpu": machine["cpu"],
        "cpu_count": machine["cpu_count"],
        "gpus": machine["gpus"],
        "wall_time_s": round(time.time() - started, 1),
    }
    text = nbformat.writes(notebook) + "\n"  # ending as sync_notebooks.py writes it, so it leaves it alone
    size_kb = len(text.encode()) / 1024
    if size_kb > max_kb:
        return (
            False,
            f"{path.name}: {size_kb:.0f} KB with its outputs, over --max-kb {max_kb}; left as it was",
        )
    temporary = path.with_suffix(".ipynb.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)  # never a half-written notebook
    return True, f"{path.name}: {notebook.metadata['keras_gans']['wall_time_s']:.0f} s, {size_kb:.0f} KB"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="tutorials whose notebooks to execute (default: all)")
    parser.add_argument(
        "--max-kb", type=int, default=400, help="largest notebook written (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.names:
        unknown = sorted(set(args.names) - {p.stem for p in paths})
        if unknown:
            parser.error(f"no notebook called {', '.join(unknown)}")
        paths = [p for p in paths if p.stem in args.names]
    # The kernel inherits these: the short size, the shared data, the package.
    os.environ["KERAS_GANS_NOTEBOOK"] = "short"
    os.environ.pop("KERAS_GANS_TINY", None)
    os.environ.setdefault("KERAS_GANS_SHARED_DATA", str((ROOT / ".." / "shared" / "data").resolve()))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    failed = 0
    for path in paths:
        ok, message = execute(path, args.max_kb)
        print(message, flush=True)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
