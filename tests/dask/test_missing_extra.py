"""Without the ``dask`` extra, importing ``async_factory_boy.dask`` names the extra."""

from __future__ import annotations

import sys

import pytest

from async_factory_boy.errors import MissingDependencyError


def test_import_without_distributed_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.startswith("async_factory_boy.dask")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "distributed", None)  # "not installed"

    with pytest.raises(MissingDependencyError) as missing:
        import async_factory_boy.dask  # noqa: F401

    assert missing.value.extra == "dask"
    assert 'pip install "async-factory-boy[dask]"' in str(missing.value)
    assert "async_factory_boy.dask" in str(missing.value)
