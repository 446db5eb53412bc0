"""Files the tools read and write: a saved model loaded, or one line on why it cannot be; an output
path checked before the work it would receive; outputs written whole or not at all.

Keras says "File not found" of a `.keras` file that exists but is empty or truncated (a save that
was killed), and the scripts wrote their results after minutes of work into a folder that did not
exist. Every tool (scripts/generate.py, evaluate_mnist.py, score_faces.py, make_results.py,
benchmark.py) goes through here instead, so each says the same thing about the same fault.

Nothing heavy is imported at the top: the argparse types below are used before `--help` prints.
"""

import argparse
import errno
import os
import zipfile

# The image formats a tool writes (Pillow picks the format from the name).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")
# Keras 3's own format, and the legacy HDF5 one it still reads.
MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
MESSAGE_LIMIT = 300  # characters of a library's error kept in the one line


class FileProblem(ValueError):
    """A path a tool cannot read from or write to, with a message that names it and says why."""


def one_line(error, limit=MESSAGE_LIMIT):
    """A library's error message as one line, cut at `limit` characters (Keras' can hold a whole config)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_os_error(error, path=None):
    """What went wrong in an `OSError`, with the path it concerns; the way out where the disk is full.

    Only a full disk (or quota) gets "free space": a folder where a file should be, or a file
    left in the way, gets its own words and the path, so the user looks in the right place.
    """
    where = error.filename or path
    text = f"{where}: {error.strerror or error}" if where else str(error.strerror or error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{text}; the disk is full: free space"
    return text


# --- Reading a saved model ---------------------------------------------------------------------


def check_model_file(path):
    """Why `path` cannot be a saved Keras model, checked without Keras (FileProblem), else None.

    A `.keras` file is a zip archive holding config.json: an empty file, a truncated one (a save
    that was killed) or another kind of file is named as such, not as "not found".
    """
    path = os.fspath(path)
    if not path or not path.strip():
        raise FileProblem("no model file named (an empty path)")
    if not os.path.lexists(path):
        raise FileProblem(f"no saved model at {path}")
    if os.path.isdir(path):
        raise FileProblem(f"{path} is a folder, not a saved model (a .keras file)")
    if not path.endswith(MODEL_SUFFIXES):
        raise FileProblem(f"{path} is not a saved model: Keras saves models as .keras files")
    if not path.endswith(".keras"):
        return  # legacy HDF5: Keras' own reader says what is wrong with it
    try:
        size = os.path.getsize(path)
        if size == 0:
            raise FileProblem(f"cannot read {path}: it is empty (0 bytes), as an interrupted save leaves it")
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            damaged = archive.testzip()
    except OSError as error:
        raise FileProblem(f"cannot read {describe_os_error(error, path)}") from None
    except zipfile.BadZipFile:
        raise FileProblem(
            f"cannot read {path}: it is not a whole .keras archive ({size} bytes): truncated by an "
            "interrupted save, or not a saved model"
        ) from None
    if damaged is not None:
        raise FileProblem(f"cannot read {path}: its {damaged} is damaged (bad checksum); save it again")
    if "config.json" not in names:
        raise FileProblem(f"cannot read {path}: a zip archive, but not a saved Keras model (no config.json)")


def load_model_file(path, compile=True):
    """`keras.models.load_model(path)` with the project's classes registered, or FileProblem saying in
    one line why the file cannot be read (missing, a folder, empty, truncated, damaged, not a model,
    or Keras' own reason)."""
    check_model_file(path)
    import keras

    import keras_gans.models  # noqa: F401  (registers the project's layers and GAN classes)

    try:
        return keras.models.load_model(path, compile=compile)
    except Exception as error:  # Keras raises ValueError, TypeError, KeyError, OSError... of a bad file
        raise FileProblem(f"cannot read {path}: {one_line(error)}") from None


# --- Checking where a result goes, before the work ---------------------------------------------


def _nearest_existing(folder):
    """`folder`, or its nearest ancestor that exists."""
    folder = os.path.abspath(folder)
    while not os.path.lexists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


def check_output_folder(folder, create=True):
    """FileProblem unless `folder` is a folder that can be written into, or (`create`) can be made:
    nothing in its way is a file. Returns `folder`."""
    folder = os.fspath(folder)
    if not folder.strip():
        raise FileProblem("an empty path: name a folder")
    existing = _nearest_existing(folder)
    if not os.path.isdir(existing):
        if existing == os.path.abspath(folder):
            raise FileProblem(f"{folder} is a file, not a folder")
        raise FileProblem(f"{existing} is a file, so the folder {folder} cannot be made")
    if existing != os.path.abspath(folder) and not create:
        raise FileProblem(f"no folder {folder}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise FileProblem(f"{existing}: cannot write there (permission denied)")
    return folder


def check_output_file(path, suffixes=None):
    """FileProblem unless a file can be written at `path`: it is not a folder, its folder exists (a
    missing one is refused: a typo would otherwise put the result elsewhere than the user looks),
    and its name ends in one of `suffixes` (when given). Returns `path`."""
    path = os.fspath(path)
    if not path.strip():
        raise FileProblem("an empty path: name a file")
    if os.path.isdir(path):
        example = os.path.join(path, f"out{suffixes[0]}") if suffixes else None
        raise FileProblem(f"{path} is a folder: name a file" + (f" in it, e.g. {example}" if example else ""))
    if suffixes and not path.lower().endswith(tuple(suffixes)):
        raise FileProblem(f"{path}: the name must end in {', '.join(suffixes)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        what = "is a file, not a folder" if os.path.lexists(folder) else "does not exist: make it first"
        raise FileProblem(f"the folder of {path}, {folder}, {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileProblem(f"{folder}: cannot write there (permission denied)")
    if os.path.lexists(path) and not os.path.isfile(path):
        raise FileProblem(f"{path} exists and is not a file")
    return path


def _argparse_type(check, *args):
    def parse(text):
        try:
            return check(text, *args)
        except FileProblem as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = check.__name__  # what argparse names in its own messages
    return parse


def output_file(*suffixes):
    """argparse type: a file to write (see `check_output_file`), named with one of `suffixes`."""
    return _argparse_type(check_output_file, suffixes or None)


def output_folder(text):
    """argparse type: a folder to write into, made if missing (see `check_output_folder`)."""
    return _argparse_type(check_output_folder)(text)


def existing_file(text):
    """argparse type: a file that exists (to read, or to rewrite in place)."""
    if not os.path.isfile(text):
        what = "is not a file" if os.path.lexists(text) else "does not exist"
        raise argparse.ArgumentTypeError(f"{text} {what}")
    return text


def existing_folder(text):
    """argparse type: a folder that exists (to read)."""
    if not os.path.isdir(text):
        what = "is not a folder" if os.path.lexists(text) else "does not exist"
        raise argparse.ArgumentTypeError(f"{text} {what}")
    return text


# --- Writing whole files -----------------------------------------------------------------------


def write_atomically(path, write):
    """`write(temporary)` writes the file, beside `path` and under a hidden name with the same
    suffix; it is then renamed into place: `path` is never left half-written (a full disk, a kill)."""
    folder, name = os.path.split(os.path.abspath(path))
    stem, suffix = os.path.splitext(name)
    temporary = os.path.join(folder, f".{stem}.tmp{suffix}")
    try:
        write(temporary)
        fsync(temporary)  # on disk before the rename makes it the file
        os.replace(temporary, path)
    except BaseException:
        if os.path.lexists(temporary):
            os.remove(temporary)
        raise
    return path


def fsync(path):
    """Flushes a file or folder to disk, so that a rename after it never exposes lost data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_json_object(path):
    """The JSON object (a dict) in `path`; OSError, or ValueError when it is not JSON or not an object."""
    import json

    with open(path) as file:
        value = json.load(file)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def write_json(path, data):
    """`data` as indented JSON at `path`, written whole (see `write_atomically`)."""
    import json

    def write(temporary):
        with open(temporary, "w") as file:
            json.dump(data, file, indent=2)

    return write_atomically(path, write)
