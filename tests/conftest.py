"""Shared test fixtures."""

import pytest
import torch


@pytest.fixture(scope="module")
def one_thread():
    """Tiny test models gain nothing from threads, and on a busy 2-core machine torch's
    threads fight for the cores (training ran 5x slower under load with 2 threads)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
