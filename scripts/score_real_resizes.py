"""The face judge on real faces brought to each StyleGAN resolution the port's way and keras.io's (issue #27).

StyleGAN's samples below the target size are scored upsampled (nearest neighbour) to it, against
real faces at the target size. This scores held-out real faces (the floor's: those after the
judge's reference faces) prepared as each side trains on them at 4x4 to the target size, and
shown as its samples are:

- `average` (`--real-resize average`, the port's first choice): resized bilinear to the target
  size, then 2x2 means down to the resolution;
- `nearest` (keras.io's, and the port's default `--real-resize nearest`, whose pipeline resizes
  each file to every resolution): the files resized nearest-neighbour to the resolution (PIL, as
  keras.io's loader);
- `port_nearest` (the port's `nearest` until it resized each file to every resolution): the
  files resized nearest-neighbour to the target size by the port's pipeline (TensorFlow), then one
  pixel of each block below it, as `StyleGAN.real_images` takes a target-size batch. Beside
  `nearest`, it says how the judge sees the other pixels of the files this samples.

A generator that drew exactly its training faces would score this. So the rows say how the same
judge treats the two sides' data at each resolution, apart from anything learnt.

    python scripts/score_real_resizes.py --data-dir ../shared/data/celeba/img_align_celeba \\
        --json docs/results/stylegan/real_resizes.json
"""

import argparse
import sys

import numpy as np
from PIL import Image

from keras_gans.cli import command_line
from keras_gans.files import output_file


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", required=True, help="the folder of real faces (the runs' --data-dir)")
    parser.add_argument("--target-size", type=int, default=32, help="the runs' target size (32)")
    parser.add_argument("--json", type=output_file(".json"), default=None, help="also write the scores here")
    args = parser.parse_args(argv)

    from keras_gans.data.images import scan_image_folder
    from keras_gans.files import write_json
    from keras_gans.metrics import real_floor
    from keras_gans.presets import get_preset
    from keras_gans.presets.base import TrainingData
    from keras_gans.presets.dcgan_celeba import held_out_faces

    preset = get_preset("dcgan_celeba")  # StyleGAN's judge is the face DCGAN's, at the target size
    target = args.target_size
    config = preset.config(data_dir=args.data_dir, image_size=target)
    data = TrainingData(source=args.data_dir)
    score_fn = preset.quality(config, data, seed=0)
    faces = np.asarray(held_out_faces(config, data), "float32")  # bilinear at the target size, [-1, 1]
    start = config["eval_real_images"]
    files = scan_image_folder(args.data_dir).files[start : start + len(faces)]

    def shown(images):  # a lower resolution upsampled to the target size, as the samples are
        factor = target // images.shape[1]
        return images.repeat(factor, axis=1).repeat(factor, axis=2)

    def averaged(size):
        factor = target // size
        return faces.reshape(len(faces), size, factor, size, factor, 3).mean(axis=(2, 4))

    def nearest(size):
        return (
            np.stack(
                [
                    np.asarray(Image.open(f).convert("RGB").resize((size, size), Image.NEAREST), "float32")
                    for f in files
                ]
            )
            / 127.5
            - 1.0
        )

    from keras_gans.data.images import decode_and_resize

    port_faces = np.stack([decode_and_resize(f, target, "nearest").numpy() for f in files])

    def port_nearest(size):
        factor = target // size
        return port_faces[:, factor // 2 :: factor, factor // 2 :: factor]

    scores = {}
    size = target
    while size >= 4:
        scores[size] = {
            way: {
                k: float(v)
                for k, v in real_floor(score_fn, shown(make(size)), value_range=(-1.0, 1.0)).items()
            }
            for way, make in (("average", averaged), ("nearest", nearest), ("port_nearest", port_nearest))
        }
        print(f"{size}x{size}: " + ", ".join(f"{way} swd {s['swd']:.2f}" for way, s in scores[size].items()))
        size //= 2
    if args.json:
        write_json(
            args.json,
            {"command": command_line("score_real_resizes.py", argv), "faces": len(faces), "scores": scores},
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
