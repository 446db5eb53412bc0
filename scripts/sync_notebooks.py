"""Rewrite the notebooks' shown-code cells from the package's current source.

A cell whose first line is `# Shown from the package: <dotted name>` holds
that object's source, verbatim and dedented (`keras_gans.notebook.shown_source`).
Run this after changing the package code a notebook shows;
tests/test_notebooks.py fails until it is run.

python scripts/sync_notebooks.py                  # rewrite every notebook's shown cells
python scripts/sync_notebooks.py --check          # only report the stale ones (exit 1 if any)
python scripts/sync_notebooks.py --clear-outputs  # also drop every cell's outputs
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package, even without an editable install

from keras_gans.notebook import shown_name, shown_source  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def cell_text(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def sync(path, clear_outputs=False):
    """Rewrites the shown cells of the notebook at `path`; returns the names that were stale."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    stale = []
    if clear_outputs:
        notebook["metadata"].pop("keras_gans", None)  # what executed it (scripts/execute_notebooks.py)
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        if clear_outputs:
            cell["outputs"], cell["execution_count"] = [], None
        name = shown_name(cell_text(cell))
        if name and cell_text(cell) != shown_source(name):
            stale.append(name)
            cell["source"] = shown_source(name).splitlines(keepends=True)
    # As nbformat writes notebooks, so that an unchanged one stays byte for byte the same.
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if text != path.read_text(encoding="utf-8"):
        path.write_text(text, encoding="utf-8")
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to sync (default: all)")
    parser.add_argument("--check", action="store_true", help="report stale cells, change nothing")
    parser.add_argument("--clear-outputs", action="store_true", help="also clear every cell's outputs")
    args = parser.parse_args(argv)
    any_stale = False
    for path in args.notebooks or NOTEBOOKS:
        if args.check:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            texts = [cell_text(cell) for cell in notebook["cells"] if cell["cell_type"] == "code"]
            stale = [shown_name(t) for t in texts if shown_name(t) and t != shown_source(shown_name(t))]
        else:
            stale = sync(path, args.clear_outputs)
        any_stale = any_stale or bool(stale)
        for name in stale:
            print(f"{path.name}: {name} {'is stale' if args.check else 'updated'}")
    return 1 if args.check and any_stale else 0


if __name__ == "__main__":
    sys.exit(main())
