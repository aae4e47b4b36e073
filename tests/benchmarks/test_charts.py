"""What a benchmark publishes beside its table: the JSON record and the SVG chart.

The results are made up (no benchmark runs here, which would take minutes and prove nothing
about the files): two sections with two groups each, as the SQLAlchemy benchmark has, and a
contender with a single repetition (no whiskers).
"""

from __future__ import annotations

import pathlib
import xml.etree.ElementTree as ET

from benchmarks import _chart, _harness, _record
from benchmarks.__main__ import main as benchmarks_main

SVG = "{http://www.w3.org/2000/svg}"


def _results(section: str) -> list[_harness.Result]:
    def result(group: str, name: str, *seconds: float) -> _harness.Result:
        contender = _harness.Contender(name, run=lambda: None, group=group)
        return _harness.Result(contender, items=1_000, seconds=list(seconds))

    return [
        result("batch", f"hand-written <{section}> & co", 0.10, 0.12, 0.11),
        result("batch", "ours", 0.125, 0.2, 0.13),
        result("loop", "hand-written", 1.0),
        result("loop", "ours", 0.9, 1.1),
    ]


RESULTS = {"SQLite": _results("SQLite"), "PostgreSQL": _results("PostgreSQL")}


def _record_of(results: dict[str, list[_harness.Result]]) -> _record.Record:
    return _record.from_results(
        name="demo",
        title="Demo <benchmark>",
        unit="users/s",
        machine="a test machine",
        date="2026-01-02",
        results=results,
    )


def test_chart_is_svg_with_one_bar_per_contender_and_the_baselines_marked() -> None:
    root = ET.fromstring(_chart.render(_record_of(RESULTS)))

    assert root.tag == f"{SVG}svg"
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") in ("bar", "base")]
    assert len(bars) == 8
    assert [rect.get("class") for rect in bars] == ["base", "bar"] * 4
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "hand-written <SQLite> & co (baseline)" in labels  # escaped, not dropped
    assert {"SQLite · batch", "PostgreSQL · loop", "baseline 1.0x"} <= set(labels)
    # Whiskers (a line and two caps) only where there are several repetitions: 6 bars.
    assert sum(1 for line in root.iter(f"{SVG}line") if line.get("class") == "whisker") == 18


def test_record_round_trips_through_json(tmp_path: pathlib.Path) -> None:
    record = _record_of(RESULTS)
    path = tmp_path / "demo.json"

    _record.save(record, path)

    assert _record.load(path) == record
    ours = _record.load(path).bars[1]
    assert (ours.section, ours.group, ours.contender) == ("SQLite", "batch", "ours")
    assert round(ours.ratio, 3) == round(0.11 / 0.13, 3)  # throughput over the baseline's


def test_publish_writes_the_page_with_its_chart_and_data_and_chart_redraws_it(
    tmp_path: pathlib.Path,
) -> None:
    page = tmp_path / "demo.md"

    _harness.publish("# Demo\n\nintro\n\n| a |\n| - |\n", str(page), results=RESULTS)

    svg = page.with_suffix(".svg").read_bytes()
    assert page.read_text() == (
        "# Demo\n\nintro\n\n"
        "![Demo: throughput of each contender relative to its baseline](demo.svg)\n\n"
        "| a |\n| - |\n"
    )
    assert len(_record.load(page.with_suffix(".json")).bars) == 8
    page.with_suffix(".svg").unlink()
    assert benchmarks_main(["chart", "demo", "--directory", str(tmp_path)]) == 0
    assert page.with_suffix(".svg").read_bytes() == svg  # deterministic, from the JSON alone


def test_a_long_label_widens_its_column_instead_of_being_clipped() -> None:
    long_name = "ours create_batch_async, bulk write, PostgreSQL with psycopg 3 and COPY (Meta)"
    contender = _harness.Contender(long_name, run=lambda: None, group="batch")
    baseline = _harness.Contender("hand-written", run=lambda: None, group="batch")
    results = {
        "": [
            _harness.Result(baseline, items=1_000, seconds=[0.1]),
            _harness.Result(contender, items=1_000, seconds=[0.1]),
        ]
    }
    root = ET.fromstring(_chart.render(_record_of(results)))

    [label] = [text for text in root.iter(f"{SVG}text") if text.text == long_name]
    # Right-aligned at its x: the text starts _text_width to the left, inside the picture.
    assert float(label.get("x", "0")) - _chart._text_width(long_name) >= 0
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert float(bars[0].get("x", "0")) > float(label.get("x", "0"))
    assert int(root.get("width", "0")) > _chart.WIDTH  # the bars keep their room
