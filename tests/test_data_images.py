"""The image-folder pipeline: shapes, range, and a clear word on bad data."""

import zlib

import numpy as np
import pytest
from PIL import Image

from keras_gans.data.images import DataError, image_folder_dataset, scan_image_folder


def write_jpegs(folder, count, size=(40, 50), mode="RGB"):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(zlib.crc32(str(folder).encode()))  # other pixels in each folder
    channels = {"RGB": 3, "RGBA": 4, "L": None}[mode]
    shape = (size[1], size[0]) + ((channels,) if channels else ())
    for i in range(count):
        image = Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode)
        image.save(folder / f"{i:03d}.{'png' if mode == 'RGBA' else 'jpg'}")
    return folder


def all_images(dataset):
    """One epoch's images: ceil(files / batch) full batches, read from a stream over the files."""
    return np.concatenate([batch.numpy() for batch in dataset])


def distinct(images):
    return len(np.unique(images.reshape(len(images), -1), axis=0))


def test_pipeline_yields_batches_in_the_generator_range(tmp_path):
    write_jpegs(tmp_path / "a", 5, size=(70, 80))
    write_jpegs(tmp_path / "b" / "nested", 4, size=(70, 80))  # searched recursively
    dataset, report = image_folder_dataset(tmp_path, image_size=64, batch_size=4, seed=0)
    batch = next(iter(dataset)).numpy()
    assert batch.shape == (4, 64, 64, 3)
    assert batch.dtype == np.float32
    assert -1.0 <= batch.min() < -0.9 and 0.9 < batch.max() <= 1.0
    assert len(report.files) == 9
    epoch = all_images(dataset)
    assert len(epoch) == 12 and distinct(epoch) == 9  # 3 full batches cover every image


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="not found"):
        scan_image_folder(tmp_path / "nowhere")


def test_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="No readable images.*no image files"):
        scan_image_folder(tmp_path)


def test_folder_of_non_images_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "broken.jpg").write_bytes(b"<html>quota exceeded</html>")
    with pytest.raises(DataError, match="1 unreadable image file"):
        scan_image_folder(tmp_path)


def test_corrupt_and_non_image_files_are_skipped_and_counted(tmp_path):
    write_jpegs(tmp_path, 6)
    (tmp_path / "zero.jpg").write_bytes(b"")
    (tmp_path / "page.png").write_bytes(b"<html></html>")
    (tmp_path / "labels.csv").write_text("a,b\n")
    with pytest.warns(UserWarning) as caught:
        dataset, report = image_folder_dataset(tmp_path, image_size=16, batch_size=4)
    messages = " ".join(str(w.message) for w in caught)
    assert "skipped 2 unreadable image file(s)" in messages
    assert "ignored 1 non-image file(s)" in messages
    assert len(report.files) == 6
    assert distinct(all_images(dataset)) == 6


def test_image_truncated_after_its_header_is_skipped_not_fatal(tmp_path):
    write_jpegs(tmp_path, 5, size=(64, 64))
    data = (tmp_path / "000.jpg").read_bytes()
    (tmp_path / "000.jpg").write_bytes(data[: len(data) // 3])  # header intact, pixels cut
    with pytest.warns(UserWarning, match=r"skipped .*000.jpg: TensorFlow cannot decode it \(.*Invalid JPEG"):
        dataset, report = image_folder_dataset(tmp_path, image_size=16, batch_size=2)
    assert len(report.files) == 5  # the header check cannot see it...
    epoch = all_images(dataset)  # ...but the pipeline skips it, named, instead of crashing
    assert len(epoch) == 6 and distinct(epoch) == 4


def test_grayscale_alpha_and_odd_sizes_become_rgb_at_the_model_size(tmp_path):
    write_jpegs(tmp_path / "gray", 2, size=(30, 20), mode="L")
    write_jpegs(tmp_path / "alpha", 2, size=(100, 80), mode="RGBA")
    with pytest.warns(UserWarning) as caught:
        dataset, _ = image_folder_dataset(tmp_path, image_size=32, batch_size=8)
    messages = " ".join(str(w.message) for w in caught)
    assert "converted 4 non-RGB image(s) to RGB (L: 2, RGBA: 2)" in messages
    assert "2 image(s) are smaller than 32x32" in messages
    assert "2 sizes" in messages
    epoch = all_images(dataset)
    assert epoch.shape == (8, 32, 32, 3) and distinct(epoch) == 4


def test_max_images_keeps_a_subset(tmp_path):
    write_jpegs(tmp_path, 7)
    dataset, _ = image_folder_dataset(tmp_path, image_size=8, batch_size=3, max_images=5)
    assert distinct(all_images(dataset)) == 5


def test_real_celeba_faces(celeba_dir):
    dataset, report = image_folder_dataset(celeba_dir, image_size=64, batch_size=32, seed=1)
    assert len(report.files) == 3000
    assert report.sizes == {(178, 218): 3000}  # CelebA's aligned crops
    batch = next(iter(dataset)).numpy()
    assert batch.shape == (32, 64, 64, 3)
    assert batch.min() >= -1.0 and batch.max() <= 1.0
    assert batch.std() > 0.2  # real pictures, not a constant


def test_a_pipe_is_skipped_unread_and_a_huge_image_gets_the_projects_line(tmp_path):
    import os
    import signal
    import warnings

    write_jpegs(tmp_path, 2)
    os.mkfifo(tmp_path / "zz_pipe.png")  # opening it to read would wait for a writer forever
    Image.new("1", (10000, 10000)).save(tmp_path / "huge.png")  # 100 million pixels, a small file

    def hung(*_):
        raise TimeoutError("the scan waited on the pipe")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)  # a hang fails the test instead of stalling the suite
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _, report = image_folder_dataset(tmp_path, image_size=16, batch_size=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert report.not_files == [str(tmp_path / "zz_pipe.png")] and len(report.files) == 3
    assert not any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)
    messages = [str(w.message) for w in caught]
    assert (
        f"{tmp_path}: skipped 1 item(s) that are not regular files (a pipe, socket, device or broken "
        f"link), e.g. {tmp_path / 'zz_pipe.png'}" in messages
    )
    assert any(
        f"1 image(s) have over 89,478,485 pixels, e.g. {tmp_path / 'huge.png'} (10000x10000)" in m
        for m in messages
    ), messages
