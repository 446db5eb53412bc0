"""The CelebA download: real gdown code, and a clear way out when it fails."""

import zipfile

import gdown
import pytest
from gdown.exceptions import FileURLRetrievalError

from keras_gans.data.celeba import CELEBA_DRIVE_ID, download_celeba
from keras_gans.data.images import DataError


def test_offline_download_names_the_way_out(tmp_path, monkeypatch):
    # A proxy on a closed local port: offline, whatever the machine's network.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    with pytest.raises(DataError) as error:
        download_celeba(tmp_path / "celeba_gan")
    message = str(error.value)
    assert "Could not download CelebA" in message
    assert "--data-dir" in message
    assert str(tmp_path / "celeba_gan" / "data.zip") in message


def test_drive_quota_refusal_is_recognised(tmp_path, monkeypatch):
    def refuse(**kwargs):
        assert kwargs["id"] == CELEBA_DRIVE_ID
        raise FileURLRetrievalError("Too many users have viewed or downloaded this file recently.")

    monkeypatch.setattr(gdown, "download", refuse)
    with pytest.raises(DataError, match="too many users.*--data-dir"):
        download_celeba(tmp_path)


def test_a_zip_put_there_by_hand_is_unzipped_and_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.setattr(gdown, "download", lambda **kwargs: pytest.fail("no download expected"))
    from PIL import Image

    Image.new("RGB", (8, 8)).save(tmp_path / "face.jpg")
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.write(tmp_path / "face.jpg", "img_align_celeba/000001.jpg")
    (tmp_path / "face.jpg").unlink()
    assert download_celeba(tmp_path) == tmp_path
    assert (tmp_path / "img_align_celeba" / "000001.jpg").exists()
    download_celeba(tmp_path)  # images present now: nothing to do


def test_a_broken_zip_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(gdown, "download", lambda **kwargs: pytest.fail("no download expected"))
    (tmp_path / "data.zip").write_bytes(b"<html>not a zip</html>")
    with pytest.raises(DataError, match="not a valid zip file.*Delete it"):
        download_celeba(tmp_path)
    assert (tmp_path / "data.zip").exists()  # left for the user to inspect
