"""Training as one of several processes (one per host), joined by JAX's coordinator.

Every process runs the same `musigan train` command with `--join HOST0:PORT --processes N
--process-id I`. Keras' `DataParallel` then spans every process's devices: each process feeds its
share of every batch (`local_share`), the gradients are averaged across all of them, and every process
holds the same weights. What must agree is decided once, by process 0, and told to the others
(`from_process_zero`): the validation score that early stopping and the learning-rate decay read, and
whether the time budget is spent. Only process 0 writes (checkpoints, state, the preset).
"""
from __future__ import annotations

import contextlib

import numpy as np

from ..models import recurrent

keras = recurrent.keras


def join(coordinator: str, processes: int, process_id: int) -> None:
    """Connect to the other processes (all of them must call this; it waits for them)."""
    keras.distribution.initialize(coordinator, processes, process_id)


def process_count() -> int:
    if keras.backend.backend() != "jax":
        return 1
    import jax

    return jax.process_count()


def process_index() -> int:
    if keras.backend.backend() != "jax":
        return 0
    import jax

    return jax.process_index()


def from_process_zero(value):
    """Process 0's `value` in every process (a number or a bool); the value itself when alone."""
    if process_count() == 1:
        return value
    from jax.experimental import multihost_utils

    agreed = multihost_utils.broadcast_one_to_all(np.asarray(value))
    return type(value)(np.asarray(agreed).item())


def local_share(order: np.ndarray, batch: int) -> np.ndarray:
    """The rows (indices into the epoch's `order`) this process feeds: its slice of every global
    batch, so that the batches the processes assemble are the ones one process would train on."""
    count, index = process_count(), process_index()
    batches = order[: len(order) // batch * batch].reshape(-1, count, batch // count)
    return batches[:, index].reshape(-1)


@contextlib.contextmanager
def undistributed():
    """Build and run a model on this process alone (evaluation between epochs, the test figures):
    with the distribution set, Keras would treat its inputs as one process's share of a batch."""
    distribution = keras.distribution.distribution()
    keras.distribution.set_distribution(None)
    try:
        yield
    finally:
        keras.distribution.set_distribution(distribution)
