"""The Ray engine: the per-article NLP pass on Ray workers that hold the spaCy model.

`RayRunner` has the interface of `nlp.NlpRunner` (`map(batches)` yields one list of
`Analysis | str` per batch, in input order; `close()`), so the pipeline's driver keeps cleaning
before and grouping after, as the single writer. Each worker loads the model once and calls the
same `safe_analyze` as a process-pool worker, so the analyses are equal, in the same order.
Two strategies: long-lived actors fed by an ordered dispatcher (the default, the model is loaded
once per run), or Ray Data `map_batches` over an actor pool (rebuilt for every `map` call).

Ray is an optional dependency (`pip install newsfuse[ray]`): nothing here imports it until a
runner starts, and `ray_available()` lets the CLI refuse early with a plain sentence.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pickle
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from newsfuse.errors import ConfigError
from newsfuse.model import Analysis
from newsfuse.nlp import NlpRunner, WorkItem, load_model, safe_analyze

logger = logging.getLogger(__name__)

ENGINES = ("processes", "ray")
RAY_MISSING = "install newsfuse[ray] to use --engine ray."
STRATEGIES = ("actors", "data")
QUEUE_DEPTH = 2  # batches per actor: one running, one waiting, so no actor idles on the driver
# Ray phones home unless told not to; the project never reaches the internet at run time.
_QUIET_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_DISABLE_DOCKER_CPU_WARNING": "1"}
_WORKER_ENV = {"OMP_NUM_THREADS": "1", **_QUIET_ENV}  # one spaCy thread per actor, as in the pool


class BatchRunner(Protocol):
    """What the pipeline needs from an engine: ordered batch results and a way to stop it."""

    def map(self, batches: Iterable[Sequence[WorkItem]]) -> Iterator[list[Analysis | str]]:
        """Analyse batches, yielding one result list per batch in input order."""
        ...

    def close(self) -> None:
        """Release the engine's workers."""
        ...


def ray_available() -> bool:
    """Whether Ray Data can be imported (the `newsfuse[ray]` extra is installed)."""
    try:
        return importlib.util.find_spec("ray") is not None and \
            importlib.util.find_spec("ray.data") is not None
    except ImportError:  # a broken or partial ray install counts as missing
        return False


def make_runner(engine: str, model: str | None, workers: int,
                address: str | None = None) -> BatchRunner:
    """The engine named by `--engine`: the process pool, or Ray (local or at `address`)."""
    if engine == "processes":
        return NlpRunner(model, workers)
    if engine == "ray":
        return RayRunner(model, workers, address)
    raise ConfigError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}.")


class BatchAnalyzer:
    """The model holder on a Ray worker: an actor, or Ray Data's callable class."""

    def __init__(self, model: str | None) -> None:
        for key, value in _WORKER_ENV.items():
            os.environ.setdefault(key, value)
        self.nlp = load_model(model)

    def analyze(self, items: Sequence[WorkItem]) -> list[Analysis | str]:
        """One work batch, exactly as a process-pool worker analyses it."""
        return safe_analyze(self.nlp, items)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Ray Data: analyse each pickled work batch of the block; results go back pickled."""
        import numpy as np

        results = [pickle.dumps(self.analyze(pickle.loads(work)),
                                protocol=pickle.HIGHEST_PROTOCOL) for work in batch["work"]]
        return {"seq": batch["seq"], "out": np.array(results, dtype=object)}


class RayRunner:
    """Runs the NLP pass on Ray workers that hold the model, preserving the batches' order.

    `strategy="actors"` (the default) keeps one long-lived actor per worker for the whole run;
    `strategy="data"` runs each `map` call as a Ray Data dataset on an actor pool, which Ray
    Data builds and tears down per execution, so every window of the pipeline pays the actors'
    start and model load again (see bench/ingest.py --engine ray for the measured cost).
    """

    def __init__(self, model: str | None = None, workers: int = 0,
                 address: str | None = None, strategy: str = "actors") -> None:
        if not ray_available():
            raise ConfigError(RAY_MISSING, hint="pip install 'newsfuse[ray]'")
        if strategy not in STRATEGIES:
            raise ConfigError(f"unknown Ray strategy {strategy!r}; use actors or data.")
        self.model = model
        self.workers = workers
        self.address = address
        self.strategy = strategy
        self._started = False
        self._temp: str | None = None
        self._actors: list[Any] = []

    def map(self, batches: Iterable[Sequence[WorkItem]]) -> Iterator[list[Analysis | str]]:
        """Analyse batches in order; results stream back while later batches still run."""
        self._start()
        if self.strategy == "data":
            yield from self._map_data(batches)
        else:
            yield from self._map_actors(batches)

    def close(self) -> None:
        """Stop the actors, and the Ray instance if this runner started it."""
        import ray

        if ray.is_initialized():
            for actor in self._actors:
                ray.kill(actor)
        self._actors = []
        if self._started:
            ray.shutdown()
            self._started = False
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def pool_size(self) -> int:
        """Workers: `workers`, else one per CPU of the (local or remote) cluster."""
        if self.workers > 0:
            return self.workers
        import ray

        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        return max(1, int(resources.get("CPU", 1)))

    def _start(self) -> None:
        import ray

        if ray.is_initialized():  # a caller's own session (a notebook, a test): use it as it is
            return
        for key, value in _QUIET_ENV.items():
            os.environ.setdefault(key, value)
        runtime_env = {"env_vars": dict(_WORKER_ENV)}
        if self.address:
            ray.init(address=self.address, runtime_env=runtime_env, log_to_driver=False,
                     logging_level=logging.ERROR)
        else:
            # "local" starts a private instance even when another one runs on this machine;
            # its own temp dir keeps the session files out of /tmp/ray and goes on close
            self._temp = tempfile.mkdtemp(prefix="nf-ray-")
            ray.init(address="local", num_cpus=self.workers or os.cpu_count() or 1,
                     include_dashboard=False, log_to_driver=False, runtime_env=runtime_env,
                     _temp_dir=self._temp, logging_level=logging.ERROR)
        self._started = True
        logger.info("Ray engine started (%s)", self.address or "local")

    def _map_actors(self, batches: Iterable[Sequence[WorkItem]],
                    ) -> Iterator[list[Analysis | str]]:
        """Feed the least busy actor, at most `QUEUE_DEPTH` batches each; yield in order."""
        import ray

        if not self._actors:
            remote = ray.remote(num_cpus=1)(BatchAnalyzer)
            self._actors = [remote.remote(self.model) for _ in range(self.pool_size())]
        load = [0] * len(self._actors)
        running: deque[tuple[Any, int]] = deque()  # (result ref, actor index), oldest first
        for batch in batches:
            if min(load) >= QUEUE_DEPTH:
                yield self._collect(running, load)
            index = load.index(min(load))
            running.append((self._actors[index].analyze.remote(list(batch)), index))
            load[index] += 1
            while running and ray.wait([running[0][0]], timeout=0)[0]:  # head done: hand it over
                yield self._collect(running, load)
        while running:
            yield self._collect(running, load)

    @staticmethod
    def _collect(running: deque[tuple[Any, int]], load: list[int]) -> list[Analysis | str]:
        import ray

        ref, index = running.popleft()
        load[index] -= 1
        result: list[Analysis | str] = ray.get(ref)
        return result

    def _map_data(self, batches: Iterable[Sequence[WorkItem]],
                  ) -> Iterator[list[Analysis | str]]:
        """One Ray Data execution over the batches, one row (a pickled batch) each."""
        rows = [{"seq": i, "work": pickle.dumps(list(batch), protocol=pickle.HIGHEST_PROTOCOL)}
                for i, batch in enumerate(batches)]
        if not rows:
            return
        for expected, row in enumerate(self._dataset(rows).iter_rows()):
            if row["seq"] != expected:  # preserve_order is on: anything else is a Ray bug
                raise RuntimeError(f"Ray returned batch {row['seq']} where {expected} was due.")
            yield pickle.loads(row["out"])

    def _dataset(self, rows: list[dict[str, Any]]) -> Any:
        import ray.data

        logging.getLogger("ray.data").setLevel(logging.ERROR)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False  # stderr progress belongs to the CLI
        context.print_on_execution_start = False
        size = min(self.pool_size(), len(rows))
        return ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            BatchAnalyzer, fn_constructor_args=(self.model,), batch_size=1,
            batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=size), num_cpus=1)
