"""Ctrl-C at any moment: one line, exit status 130, no traceback (issue 13, items 5 and 11)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.seed._db import count
from tests.seed.conftest import ROOT, messages, seed_env

pytestmark = pytest.mark.sqlite

POSTS = "tests.seed.factories:PostFactory"
LARGE = ("--batch-size", "200000", "--create-tables", "--url")


def test_ctrl_c_while_the_command_starts_is_one_line_and_130(sqlite_url: str) -> None:
    # -X importtime reports each import as it ends: once the seed package is being
    # imported, the command is in its first fraction of a second (factory_boy, SQLAlchemy).
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "async_factory_boy", "seed", POSTS, "-n", "5"],
        cwd=ROOT,
        env=seed_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "async_factory_boy._seed" in line:
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    lines = [line for line in stderr.splitlines() if not line.startswith("import time:")]
    assert process.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr
    assert lines == ["error: interrupted by Ctrl-C; nothing was written."]


def test_a_second_ctrl_c_stops_a_large_batch_promptly(sqlite_url: str) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "async_factory_boy",
            "seed",
            POSTS,
            "-n",
            "1000000",
            *LARGE,
            sqlite_url,
        ],
        cwd=ROOT,
        env=seed_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("PostFactory: 0/1,000,000")
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    # Building 200,000 posts takes a minute or more; a prompt stop takes a second or two.
    stdout, stderr = process.communicate(timeout=20)

    assert process.returncode == 130
    assert "Traceback" not in stdout + stderr
    [error] = messages(stderr)
    assert error.startswith("error: interrupted by Ctrl-C; the running batch was rolled back")
    assert count(sqlite_url, "posts") == 0
