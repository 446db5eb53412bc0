"""Each option declared once, with its default, help, type and whether a resume may change it.

`Option(default, help, type, resume)` is one option of a tutorial (its preset's `options`) or of
all of them (`keras_gans.presets.base.COMMON_OPTIONS`). The command line parses text with its type
(argparse calls it); a `--config` file, an unfinished run's recorded options and `train(...)` in
Python give values, which `check_options` checks with the same type before anything is read,
written or trained. An option without a `type` takes its default's: a whole number at least 1, a
finite number at least 0, a tuple of whole numbers at least 1, a boolean, or text.
"""

import argparse
import dataclasses
import json
import math
import os


class OptionError(ValueError):
    """An option value that this tutorial cannot run with."""


NOUNS = {int: "a whole number", float: "a finite number", tuple: "whole numbers", bool: "true or false"}


class ValueType:
    """One kind of option value: `kind` (int, float, str, bool or tuple), kept if `accept(value)`.

    Called with text (argparse), it parses; `check(name, value)` checks a value given as it is.
    Both say what is wanted the same way: "must be a whole number at least 1, got 0".
    `optional`: None is a value too (a default that means "not set": all the images, no seed).
    """

    def __init__(self, kind, accept=lambda v: True, requirement="", optional=False, wanted=None):
        self.kind, self.accept, self.optional = kind, accept, optional
        self.noun = NOUNS.get(kind, "text")
        self.wanted = wanted or " ".join(filter(None, [self.noun, requirement]))
        self.__doc__ = f"argparse type: {self.wanted}."

    def __call__(self, text):
        try:
            if self.kind is tuple:  # "64,128" or "64 128"
                value = tuple(int(t) for t in text.replace(",", " ").split())
            else:
                value = self.kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {self.noun}, got {text!r}") from None
        if not self.accept(value):
            raise argparse.ArgumentTypeError(f"must be {self.wanted}, got {value}")
        return value

    def check(self, name, value):
        """`value` as this type takes it (a JSON list as a tuple, 2.0 as 2), or OptionError naming --name."""
        if value is None and self.optional:
            return None
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        if self.kind is tuple and isinstance(value, list):
            value = tuple(value)
        if self.kind is str and isinstance(value, os.PathLike):
            value = os.fspath(value)
        whole = lambda v: isinstance(v, int) and not isinstance(v, bool)  # noqa: E731
        items_ok = self.kind is not tuple or (isinstance(value, tuple) and all(whole(v) for v in value))
        kind_ok = self.kind is object or (
            isinstance(value, self.kind) and (self.kind is bool or not isinstance(value, bool))
        )
        if not (kind_ok and items_ok) or not self.accept(value):
            raise OptionError(f"--{name.replace('_', '-')}: must be {self.wanted}, got {value!r}")
        return value


def number_type(kind, accept, requirement, optional=False):
    """A whole number (`kind` int) or a finite number (float) kept if `accept(value)`."""
    finite = lambda v: kind is not float or math.isfinite(v)  # noqa: E731
    return ValueType(kind, lambda v: finite(v) and accept(v), requirement, optional)


positive_int = number_type(int, lambda v: v >= 1, "at least 1")
non_negative_int = number_type(int, lambda v: v >= 0, "at least 0")
positive_float = number_type(float, lambda v: v > 0, "greater than 0")
non_negative_float = number_type(float, lambda v: v >= 0, "at least 0")
fraction = number_type(float, lambda v: 0 <= v < 1, "at least 0 and below 1")
# Keras' and NumPy's seeds are unsigned 32-bit numbers.
seed = number_type(int, lambda v: 0 <= v < 2**32, "from 0 to 4294967295", optional=True)
optional_positive_int = number_type(int, lambda v: v >= 1, "at least 1", optional=True)
optional_positive_float = number_type(float, lambda v: v > 0, "greater than 0", optional=True)
widths = ValueType(tuple, lambda v: v and min(v) >= 1, wanted="one or more whole numbers, each at least 1")
text = ValueType(str)
optional_text = ValueType(str, optional=True)


def names_from(*names):
    """Text naming none, one or several of `names`, comma-separated ("a,b"; "": none)."""
    listed = lambda v: all(n.strip() in names for n in v.split(",") if n.strip())  # noqa: E731
    return ValueType(str, listed, wanted="comma-separated names from " + ", ".join(names) + ', or ""')


def choice(*choices, optional=False):
    """Text that is one of `choices` (argparse lists them in --help)."""
    kind = ValueType(str, lambda v: v in choices, optional=optional, wanted="one of " + ", ".join(choices))
    kind.choices = choices
    return kind


STRATEGIES = ("default", "mirrored", "multiworker")
# A name, or (from Python) a tf.distribute strategy made already.
strategy = ValueType(
    object, lambda v: not isinstance(v, str) or v in STRATEGIES, wanted="one of " + ", ".join(STRATEGIES)
)
strategy.choices = STRATEGIES
anything = ValueType(object)


@dataclasses.dataclass(frozen=True)
class Option:
    """One option: its default, its --help text, its type, and whether a resume may change it.

    Attributes:
        default: its value unless the user sets one (None: "not set", where the help says what then).
        help: what --help says of it; None keeps it off the command line (a network's widths:
            set from Python or a --config file).
        type: a `ValueType` where the default does not tell it (None as the default, a narrower
            range: `positive_float`, `choice(...)`).
        resume: an unfinished run may be resumed with another value (it does not change what was
            trained: how long, how often to sample or score, where to write).
        flag: how the command line spells it, where not `--name VALUE` (`{"action": "store_true"}`).
    """

    default: object = None
    help: str | None = None
    type: ValueType | None = None
    resume: bool = False
    flag: dict = dataclasses.field(default_factory=dict)

    def value_type(self):
        """Its type: the one declared, else the one its default tells."""
        if self.type is not None:
            return self.type
        default = self.default
        if isinstance(default, bool):
            return ValueType(bool)
        if isinstance(default, int):
            return positive_int
        if isinstance(default, float):
            return non_negative_float
        if isinstance(default, tuple):
            return widths
        return text if isinstance(default, str) else anything

    def argparse_type(self):
        """The `type` argparse parses its text with (None: the text as it is)."""
        kind = self.value_type()
        return kind if kind.kind in (int, float, tuple) else None

    def replace(self, **changes):
        """This option with some fields changed (a tutorial's own default for a common option)."""
        return dataclasses.replace(self, **changes)


def check_options(config, declared):
    """`config` with every value checked against its option's type (`declared`: name -> Option)."""
    return {name: declared[name].value_type().check(name, value) for name, value in config.items()}


def check_tf_config(strategy):
    """--strategy multiworker takes its machines from TF_CONFIG: checked here, before anything runs.

    Unset, TensorFlow runs one worker on this machine; set, it must be the JSON object that
    docs/scaling.md shows, with "cluster" and "task".
    """
    text = os.environ.get("TF_CONFIG")
    if strategy != "multiworker" or not text:
        return
    try:
        value = json.loads(text)
        complete = isinstance(value, dict) and {"cluster", "task"} <= set(value)
        problem = None if complete else "no cluster and task"
    except ValueError as error:
        problem = f"not JSON: {error}"
    if problem:
        raise OptionError(
            f'--strategy multiworker: TF_CONFIG must be a JSON object with "cluster" and "task" '
            f"(docs/scaling.md); it is {text!r} ({problem})"
        )
