"""The Ray engine gives the same store as the process pool: analyses, events, export, rejections."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from newsfuse import ray_engine
from newsfuse.errors import ConfigError
from newsfuse.export import build_document, render
from newsfuse.ingest import read_inputs
from newsfuse.pipeline import PipelineSettings, Runner, ingest
from newsfuse.store import open_store

from .conftest import EXAMPLES

HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY and not os.environ.get("NEWSFUSE_REQUIRE_RAY"),
                               reason="ray is not installed (pip install 'newsfuse[ray]')")
BATCH = 3  # small batches, so that both actors get many and the order is really tested

# Written for these tests: articles rejected before NLP (no text, nothing left after cleaning,
# over the reader's size limit), and one over spaCy's 1,000,000 characters for the worker test.
_LONG = " ".join(f"Delegates from ward {i} asked the Dunmore council for more ferry crossings."
                 for i in range(4000))
_HUGE = " ".join([_LONG] * 4)
EXTRA = [
    {"id": "blank-note", "source": "Harbour Signal", "published": "2025-03-02", "text": "   "},
    {"id": "credit-only", "source": "Harbour Signal", "published": "2025-03-02",
     "text": "Photo: Staff"},
    {"id": "ward-minutes", "source": "Dunmore Record", "published": "2025-03-03",
     "title": "Ferry requests from every ward", "text": _LONG},
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The examples folder plus the articles above, the same paths for every run."""
    extra = tmp_path_factory.mktemp("ray-inputs") / "extra.jsonl"
    extra.write_text("".join(json.dumps(a) + "\n" for a in EXTRA), encoding="utf-8")
    return [EXAMPLES, extra]


@pytest.fixture(scope="module")
def pool_result(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The reference: the default process pool with two workers."""
    store = open_store(str(tmp_path_factory.mktemp("pool") / "pool.db"))
    try:
        report = ingest(inputs, store, PipelineSettings(workers=2, batch_size=BATCH))
        return {"report": report, "store": snapshot(store)}
    finally:
        store.close()


def snapshot(store: Any) -> dict[str, Any]:
    """Everything a run leaves in the store that could differ between engines."""
    articles = sorted(store.articles(), key=lambda a: a.id)
    events = sorted(store.events(), key=lambda e: e.id)
    return {"articles": [a.model_dump() for a in articles],
            "analyses": {a.id: store.analysis(a.id) for a in articles},
            "events": [dataclasses.asdict(e) for e in events],
            "members": {e.id: sorted(a.id for a in store.articles(e.id)) for e in events},
            "rejections": sorted(r.model_dump_json() for r in store.rejections()),
            "export": render(build_document(store), "json")}


def ray_ingest(inputs: list[Path], folder: Path, strategy: str) -> dict[str, Any]:
    """Ingest through the Ray engine, started and stopped by the pipeline's runner."""
    settings = PipelineSettings(workers=2, batch_size=BATCH)
    store = open_store(str(folder / f"ray-{strategy}.db"))
    try:
        runner = Runner(store, settings)
        engine = ray_engine.RayRunner(None, workers=2, strategy=strategy)
        runner.runner = engine  # what Runner._nlp builds for engine="ray"
        report = runner.run(read_inputs(inputs, settings.inputs))
        return {"report": report, "store": snapshot(store), "engine": engine}
    finally:
        store.close()


def assert_same(ours: dict[str, Any], reference: dict[str, Any]) -> None:
    """Equal stores, part by part, so that a failure names the part that differs."""
    for part in ("articles", "analyses", "events", "members", "rejections", "export"):
        assert ours["store"][part] == reference["store"][part], part
    assert ours["report"].summary() == reference["report"].summary()


@needs_ray
@pytest.mark.slow
def test_ray_actors_give_the_process_pool_result(inputs, pool_result, tmp_path):
    import ray

    ours = ray_ingest(inputs, tmp_path, "actors")
    assert_same(ours, pool_result)
    assert not ray.is_initialized()  # the runner's close() shut down the instance it started
    assert ours["engine"]._temp is None and not ours["engine"]._actors
    stored = ours["store"]
    assert len(stored["members"]) >= 5 and len(stored["articles"]) >= 15
    codes = {json.loads(r)["article_id"]: json.loads(r)["code"] for r in stored["rejections"]}
    assert {"blank-note", "credit-only", "ward-minutes"} <= set(codes)


@needs_ray
@pytest.mark.slow
def test_ray_data_strategy_gives_the_same_result(inputs, pool_result, tmp_path):
    import ray

    assert_same(ray_ingest(inputs, tmp_path, "data"), pool_result)
    assert not ray.is_initialized()


@needs_ray
@pytest.mark.slow
def test_worker_failure_comes_back_as_the_pools_error_string():
    import ray

    texts = [EXTRA[2]["text"][:2000], _HUGE, "The Dunmore ferry ran late on Monday, crews said."]
    batches = [[(f"item-{i}", text, None, "2025-03-03")] for i, text in enumerate(texts)]
    batches[0].append(("item-extra", texts[2], "Ferry late", None))
    expected = list(ray_engine.NlpRunner(None, workers=1).map(batches))
    temp = tempfile.mkdtemp(prefix="nf-ray-")  # short: Ray's socket paths live under it
    ray.init(address="local", num_cpus=1, include_dashboard=False, log_to_driver=False,
             _temp_dir=temp)
    try:
        runner = ray_engine.RayRunner(workers=1)
        assert list(runner.map(iter(batches))) == expected
        assert list(runner.map([])) == []
        runner.close()
        assert ray.is_initialized()  # a session the runner did not start stays up
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
    failed = expected[1][0]
    assert isinstance(failed, str) and "E088" in failed
    assert [len(b) for b in expected] == [2, 1, 1]


def test_missing_ray_is_a_plain_error(monkeypatch):
    monkeypatch.setattr(ray_engine, "ray_available", lambda: False)
    with pytest.raises(ConfigError, match=r"install newsfuse\[ray\] to use --engine ray\."):
        ray_engine.make_runner("ray", None, 2)
    with pytest.raises(ConfigError, match="unknown engine"):
        ray_engine.make_runner("threads", None, 2)
    assert isinstance(ray_engine.make_runner("processes", None, 2), ray_engine.NlpRunner)


def test_settings_select_the_engine(store):
    if "engine" not in {f.name for f in dataclasses.fields(PipelineSettings)}:
        pytest.skip("PipelineSettings.engine is not wired in yet (pipeline.py diff pending)")
    settings = PipelineSettings(engine="ray", ray_address=None, workers=2)  # type: ignore[call-arg]
    runner = Runner(store, settings)._nlp(100)  # built lazily: no Ray start yet
    assert isinstance(runner, ray_engine.RayRunner)
    assert runner.workers == 2 and runner.address is None
    runner.close()


def test_cli_refuses_ray_when_missing(tmp_path):
    help_text = subprocess.run([sys.executable, "-m", "newsfuse", "ingest", "--help"],
                               capture_output=True, text=True, check=False).stdout
    if "--engine" not in help_text:
        pytest.skip("the CLI has no --engine option yet (cli.py diff pending)")
    code = ("import sys, newsfuse.ray_engine as r; r.ray_available = lambda: False; "
            "from newsfuse.cli import main; sys.argv[0] = 'newsfuse'; main()")
    result = subprocess.run([sys.executable, "-c", code, "ingest", str(EXAMPLES), "--db",
                             str(tmp_path / "x.db"), "--engine", "ray"],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 2
    assert "install newsfuse[ray] to use --engine ray." in result.stderr
    assert not (tmp_path / "x.db").exists()
