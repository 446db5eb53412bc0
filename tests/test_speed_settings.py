"""The speed settings are applied where the README says: on import, overridable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = "from keras_gans.runtime import speed_settings; print(json.dumps(speed_settings()))"


def settings_in_fresh_process(code, **env):
    ours = ("TF_ENABLE_ONEDNN_OPTS", "TF_ONEDNN_USE_SYSTEM_ALLOCATOR")
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment.update(PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3", **env)
    result = subprocess.run(
        [sys.executable, "-c", f"import json; {code}; {REPORT}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_keras_gans_first_turns_onednn_on():
    settings = settings_in_fresh_process("import keras_gans; import tensorflow")
    assert settings["onednn"] is True
    assert settings["onednn_source"] == "set by keras_gans"
    # Memory given back between steps, not kept in oneDNN's pool (docs/speed.md, "Memory").
    assert settings["onednn_system_allocator"] is True
    mine = settings_in_fresh_process("import keras_gans", TF_ONEDNN_USE_SYSTEM_ALLOCATOR="0")
    assert mine["onednn_system_allocator"] is False


@pytest.mark.parametrize("value, expected", [("0", False), ("1", True)])
def test_the_users_choice_is_respected(value, expected):
    settings = settings_in_fresh_process("import keras_gans", TF_ENABLE_ONEDNN_OPTS=value)
    assert settings["onednn"] is expected
    assert settings["onednn_source"] == f"TF_ENABLE_ONEDNN_OPTS={value} from the environment"


def test_too_late_after_tensorflow_and_the_report_says_so():
    settings = settings_in_fresh_process("import tensorflow; import keras_gans")
    assert settings["onednn_source"].startswith("TensorFlow's default")
    assert settings["onednn_system_allocator"] is False


def test_xla_follows_keras_auto_rule_and_no_xla_turns_it_off():
    from keras_gans.presets import get_preset
    from keras_gans.presets.base import jit_compile

    face = get_preset("dcgan_celeba")
    # --xla (the default) is Keras' "auto"; --no-xla is never.
    assert jit_compile(face.config()) == "auto" and jit_compile(face.config(xla=False)) is False
    # No GPU here: Keras' "auto" resolves to no XLA, as measured best on a CPU.
    assert face.build_gan(**face.tiny).jit_compile is False


@pytest.mark.parametrize(
    "flags, expected",
    [("fpu avx2 fma", False), ("fpu avx512f avx512_bf16", True), ("fpu amx_bf16 amx_tile", True)],
)
def test_native_bfloat16_is_read_from_the_cpu_flags(tmp_path, flags, expected):
    from keras_gans.runtime import cpu_has_bfloat16

    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: x\nflags\t\t: {flags}\n")
    assert cpu_has_bfloat16(cpuinfo) is expected
    assert cpu_has_bfloat16(tmp_path / "missing") is None


def test_the_run_line_warns_of_bfloat16_on_a_cpu_without_it(monkeypatch):
    from keras_gans import runtime
    from keras_gans.presets import get_preset

    face = get_preset("dcgan_celeba")
    gan = runtime.build_gan(lambda: face.build_gan(**face.tiny), mixed_precision="bfloat16")
    monkeypatch.setattr(runtime, "cpu_has_bfloat16", lambda: False)
    assert runtime.describe_run(gan).endswith(
        "mixed_bfloat16 (this CPU has no native bfloat16, AVX512_BF16 or AMX: do not expect a speed-up)"
    )
    monkeypatch.setattr(runtime, "cpu_has_bfloat16", lambda: True)
    assert runtime.describe_run(gan).endswith("; mixed_bfloat16")


def test_tensorflow_loads_quietly_unless_its_log_level_is_set():
    """TensorFlow's C++ start-up lines ('failed call to cuInit', 'Could not find cuda drivers') are
    muted: a learner sees the project's lines only, unless TF_CPP_MIN_LOG_LEVEL asks for more."""
    code = "import keras_gans, keras; print(float(keras.ops.sum(keras.ops.ones(3))))"
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment["PYTHONPATH"] = str(ROOT)
    quiet = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stdout.strip() == "3.0" and quiet.stderr == ""
    # A level inherited from a parent that imported keras_gans (a notebook's runner) mutes it too.
    inherited = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
    )
    assert inherited.returncode == 0 and inherited.stderr == ""
    script = [sys.executable, str(ROOT / "scripts" / "train_dcgan_celeba.py"), "--help"]
    shown = subprocess.run(script, env=environment, capture_output=True, text=True)
    assert shown.stdout.startswith("usage:") and shown.stderr == ""
    # Asked for, TensorFlow's own lines show as they always did.
    loud = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "TF_CPP_MIN_LOG_LEVEL": "0"},
        capture_output=True,
        text=True,
    )
    assert loud.returncode == 0 and "I0000" in loud.stderr
