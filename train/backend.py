"""What the Keras backend and the machine offer a training run: its hardware record and TensorBoard."""
from __future__ import annotations

import os
import platform
from pathlib import Path

from ..models import recurrent

keras = recurrent.keras


def hardware() -> dict:
    """The backend, Keras version and accelerators a card records beside its figures."""
    backend = keras.backend.backend()
    devices = []
    if backend == "tensorflow":
        import tensorflow as tf

        devices = [d.name for d in tf.config.list_physical_devices("GPU")]
    elif backend == "jax":
        import jax

        devices = [str(d) for d in jax.devices() if d.platform != "cpu"]
    elif backend == "torch":
        import torch

        devices = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return {"backend": backend, "keras": keras.__version__, "gpus": devices, "cpu_count": os.cpu_count(),
            "machine": f"{platform.system()} {platform.machine()}", "python": platform.python_version()}


def distribute() -> int:
    """Data-parallel training over every local device through Keras' own distribution API
    (`keras.distribution.DataParallel`, JAX backend): a box with several GPUs, or a CPU told
    `XLA_FLAGS=--xla_force_host_platform_device_count=N`, trains on all with no code change.
    Returns the number of replicas (1 where there is nothing to spread over)."""
    if keras.backend.backend() != "jax":
        return 1
    devices = keras.distribution.list_devices()
    if len(devices) < 2:
        return 1
    # several processes: each feeds its own share of a batch (`multihost.local_share`), not a tf.data shard
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices,
                                                                        auto_shard_dataset=False))
    return len(devices)


def tensorboard(log_dir: Path) -> list:
    """Keras's TensorBoard callback where TensorFlow is installed (it writes through tf.summary)."""
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return []
    return [keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False)]


def log_scalars(log_dir: Path, step: int, values: dict) -> None:
    """Per-epoch validation figures into TensorBoard (skipped where TensorFlow is not installed)."""
    try:
        import tensorflow as tf
    except ImportError:
        return
    with tf.summary.create_file_writer(str(log_dir)).as_default():
        for name, value in values.items():
            tf.summary.scalar(f"valid_{name}", value, step=step)
