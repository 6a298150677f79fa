"""Pytest fixtures for device tests (imported by the device test modules)."""
from __future__ import annotations

import pytest

from tests.devices.processes import EventSink, PtyPair, SamSimulatorProcess


@pytest.fixture
def pty_pair(tmp_path):
    pair = PtyPair(tmp_path)
    pair.plug()
    yield pair
    pair.unplug()


@pytest.fixture
def sam_device(pty_pair):
    sim = SamSimulatorProcess(pty_pair.device)
    yield sim
    sim.stop()


@pytest.fixture
def events():
    return EventSink()
