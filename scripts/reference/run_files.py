"""What every reference script writes beside its run: JSON files written whole, and the CPU's name.

The reference scripts import it as a sibling (`python scripts/reference/<name>.py` puts this folder
first on the path); like them, it imports nothing from keras_gans.
"""

import json
import os
import platform


def write_json(path, value):
    """Writes JSON atomically: a kill leaves the old file or the new one, never half of one."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
    os.replace(tmp, path)


def cpu_model():
    """The CPU's model name, as /proc/cpuinfo gives it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
