"""CelebA faces as the Keras DCGAN example gets them: one zip from Google Drive."""

import os
import zipfile

from keras_gans.data.images import DataError, scan_image_folder

CELEBA_DRIVE_ID = "1O7m1010EJjLE5QxLZiM9Fpjs7Oj6e684"
CELEBA_URL = f"https://drive.google.com/uc?id={CELEBA_DRIVE_ID}"
DEFAULT_CELEBA_DIR = os.path.join("data", "celeba_gan")


def _way_out(target_dir):
    zip_path = os.path.join(target_dir, "data.zip")
    return (
        f"Either download {CELEBA_URL} in a browser and save it as {zip_path} "
        "(it is unzipped on the next run), or train on a folder of images you "
        "already have with --data-dir PATH."
    )


def download_celeba(target_dir=DEFAULT_CELEBA_DIR):
    """Makes sure CelebA's images are under `target_dir`; returns that folder.

    Downloads `data.zip` with gdown (progress bar) only when the folder holds
    no images yet, and unzips it as the example does.
    """
    zip_path = os.path.join(target_dir, "data.zip")
    if _has_images(target_dir):
        return target_dir
    os.makedirs(target_dir, exist_ok=True)
    if not os.path.exists(zip_path):
        _download(zip_path, target_dir)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            print(f"Unzipping {zip_path}...")
            archive.extractall(target_dir)
    except zipfile.BadZipFile:
        raise DataError(
            f"{zip_path} is not a valid zip file (an interrupted download, or "
            "an HTML error page saved by Drive). Delete it and run again. " + _way_out(target_dir)
        ) from None
    return target_dir


def _has_images(folder):
    try:
        scan_image_folder(folder)
    except DataError:
        return False
    return True


def _download(zip_path, target_dir):
    import gdown
    from gdown.exceptions import FileURLRetrievalError

    print(f"Downloading CelebA (1.4 GB) from Google Drive to {zip_path}...")
    try:
        result = gdown.download(id=CELEBA_DRIVE_ID, output=zip_path, quiet=False)
    except FileURLRetrievalError:
        raise DataError(
            "Google Drive refused the CelebA download: this file is often "
            "blocked for anonymous users ('too many users have viewed or "
            "downloaded this file recently'). Try again in a day. " + _way_out(target_dir)
        ) from None
    except OSError as error:  # requests' connection errors are OSErrors
        raise DataError(
            f"Could not download CelebA (no internet connection? {type(error).__name__}). "
            + _way_out(target_dir)
        ) from None
    if result is None or not os.path.exists(zip_path):
        raise DataError("The CelebA download did not complete. " + _way_out(target_dir))
