"""Class folders -> (image, label) batches: the stand-in, labels, and bad folders refused."""

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.data import class_folders
from keras_gans.data.class_folders import class_folder_dataset, download_rps, scan_class_folders
from keras_gans.data.images import DataError
from keras_gans.data.standin import write_fashion_standin


def _write(path, mode="RGB", size=(20, 20), color=(200, 10, 10)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


def test_standin_is_class_folders_of_real_images(fashion_mnist_dir, tmp_path):
    out = write_fashion_standin(fashion_mnist_dir, tmp_path / "standin", per_class=5, image_size=32)
    report = scan_class_folders(out)
    assert report.class_names == ["bag", "sneaker", "trouser"]
    assert report.counts() == {"bag": 5, "sneaker": 5, "trouser": 5}
    with Image.open(report.files[0]) as image:
        assert (image.mode, image.size) == ("RGB", (32, 32))
        pixels = np.asarray(image)
    # A real picture: dark background, bright object, varied pixels.
    assert pixels.min() < 30 and pixels.max() > 150 and len(np.unique(pixels)) > 20


def test_dataset_yields_scaled_images_and_folder_labels(fashion_mnist_dir, tmp_path):
    out = write_fashion_standin(fashion_mnist_dir, tmp_path / "standin", per_class=4, image_size=32)
    dataset, report = class_folder_dataset(out, image_size=16, batch_size=5, seed=0)
    batches = list(dataset)
    images = np.concatenate([np.asarray(b[0]) for b in batches])
    labels = np.concatenate([np.asarray(b[1]) for b in batches])
    # An epoch is ceil(12 / 5) full batches read from a stream over the files:
    # its first 12 images are one whole pass.
    assert [len(b[0]) for b in batches] == [5, 5, 5]
    assert images.shape == (15, 16, 16, 3) and images.dtype == np.float32
    labels = labels[:12]
    assert -1.0 <= images.min() < -0.9 and 0.0 < images.max() <= 1.0
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(np.bincount(labels), [4, 4, 4])
    # Shuffled across classes, not read class by class.
    assert not np.array_equal(labels, np.sort(labels))


def test_max_images_keeps_every_class(fashion_mnist_dir, tmp_path):
    out = write_fashion_standin(fashion_mnist_dir, tmp_path / "standin", per_class=10, image_size=28)
    dataset, _ = class_folder_dataset(out, image_size=8, batch_size=64, max_images=6, shuffle=False)
    labels = np.asarray(next(iter(dataset))[1])[:6]  # one pass over the 6 kept files
    np.testing.assert_array_equal(np.bincount(labels), [2, 2, 2])


def test_labels_follow_sorted_folder_names(tmp_path):
    for name, color in (("scissors", (0, 0, 255)), ("paper", (0, 255, 0)), ("rock", (255, 0, 0))):
        _write(tmp_path / name / "a.png", color=color)
    dataset, report = class_folder_dataset(tmp_path, image_size=4, batch_size=8, shuffle=False)
    assert report.class_names == ["paper", "rock", "scissors"]
    images, labels = (np.asarray(t)[:3] for t in next(iter(dataset)))  # the first pass
    np.testing.assert_array_equal(labels, [0, 1, 2])
    # paper is green, rock red, scissors blue: each image kept its label.
    assert [int(np.argmax(image.mean(axis=(0, 1)))) for image in images] == [1, 0, 2]


def test_alpha_images_are_composited_over_white(tmp_path):
    # Transparent pixels that store black: dropping alpha would make them black.
    rgba = np.zeros((8, 8, 4), "uint8")
    rgba[:4, :, :] = (255, 0, 0, 255)  # top half opaque red, bottom half transparent
    (tmp_path / "a").mkdir()
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a" / "x.png")
    _write(tmp_path / "b" / "y.jpg")
    with (
        pytest.warns(UserWarning, match=r"converted 1 non-RGB image\(s\) to RGB \(RGBA: 1\)"),
        pytest.warns(UserWarning, match="transparency over white"),
    ):
        dataset, report = class_folder_dataset(tmp_path, image_size=8, batch_size=2, shuffle=False)
    assert report.alpha == [True, False]
    image = np.asarray(next(iter(dataset))[0])[0]
    np.testing.assert_allclose(image[0, 0], [1, -1, -1], atol=1e-6)  # red
    np.testing.assert_allclose(image[-1, -1], [1, 1, 1], atol=1e-6)  # white, not black


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(DataError, match="not found"):
        scan_class_folders(tmp_path / "nowhere")


def test_one_class_folder_is_refused_with_the_way_out(tmp_path):
    _write(tmp_path / "rock" / "a.png")
    with pytest.raises(DataError, match=r"only one class folder \(rock/\).*rps/, not rps/rock/"):
        scan_class_folders(tmp_path)


def test_images_without_class_folders_are_refused(tmp_path):
    _write(tmp_path / "a.png")
    with pytest.raises(DataError, match="no class folders"):
        scan_class_folders(tmp_path)


def test_empty_class_folder_is_refused_by_name(tmp_path):
    _write(tmp_path / "paper" / "a.png")
    _write(tmp_path / "rock" / "a.png")
    (tmp_path / "scissors").mkdir()
    (tmp_path / "scissors" / "notes.txt").write_text("no images here")
    with pytest.raises(DataError, match="Class folder scissors/.*no image files"):
        scan_class_folders(tmp_path)


def test_corrupt_and_loose_files_are_skipped_with_warnings(tmp_path):
    _write(tmp_path / "paper" / "a.png")
    _write(tmp_path / "rock" / "a.png")
    (tmp_path / "rock" / "broken.png").write_bytes(b"not a png")
    (tmp_path / "README.txt").write_text("beside the classes")
    with pytest.warns(UserWarning) as caught:
        dataset, report = class_folder_dataset(tmp_path, image_size=4, batch_size=8)
    text = " ".join(str(w.message) for w in caught)
    assert "unreadable" in text and "outside the class folders" in text
    assert len(report.files) == 2
    batches = list(dataset)  # one batch of 8 from the 2 good files, no crash
    assert len(batches) == 1 and len(batches[0][0]) == 8


def test_offline_download_says_what_to_pass(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://...: None -- [Errno -3] name resolution")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(DataError, match="pass --data-dir the rps/ folder"):
        download_rps(tmp_path)


def test_download_reuses_the_unzipped_folder(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("downloaded again")

    monkeypatch.setattr(keras.utils, "get_file", no_network)
    (tmp_path / "rps_extracted" / "rps").mkdir(parents=True)
    assert download_rps(tmp_path) == str(tmp_path / "rps_extracted" / "rps")
    assert class_folders.RPS_URL.endswith("/rps.zip")
