# Two commands do all the set-up: `make train` and `make test` each create the
# virtual environment (.venv) on first use, then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: train test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable ".[dev]"
	touch $(STAMP)

train: $(STAMP)  ## the main job: the face DCGAN on CelebA (ARGS="--help" for options)
	$(BIN)/python scripts/train_dcgan_celeba.py $(ARGS)

test: $(STAMP)  ## lint, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(ARGS)

clean:
	rm -rf $(VENV)
