"""Parsing on a Dask distributed cluster: workers parse, this process writes.

The dataset is one DuckDB file with one writer, so only parsing is spread
out: each file is one task that returns its outcome (a record or the reason
it failed, never an exception), and the client writes outcomes as they
arrive, exactly as the local pool does. Workers need xxgk installed and must
see the files at the same paths (a shared file system).

Per-file isolation on a cluster is Dask's: a task whose worker dies (a
segfault, the nanny's memory limit) is retried by the scheduler and, after
``distributed.scheduler.allowed-failures``, reported here as that file's
failure; a hang is bounded by the workers' own settings, not by ``--timeout``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from distributed import Client, Future, as_completed

from .errors import DatasetError, one_line
from .isolation import Parse, Parsed, Source, log_detail, parse_outcome

__all__ = ["parse_on_cluster"]


def parse_on_cluster(sources: Sequence[Source], parse: Parse, scheduler: str,
                     on_parsed: Callable[[Parsed], None]) -> None:
    """Parse every source on the cluster at ``scheduler`` (``tcp://HOST:PORT``), in any order."""
    if not sources:
        return
    try:
        client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise DatasetError(f"cannot reach Dask scheduler {scheduler}: {exc}") from exc
    with client:
        futures = client.map(parse_outcome, list(sources), parse=parse, pure=False)
        by_key = {future.key: source for future, source in zip(futures, sources)}
        for future in as_completed(futures):
            parsed = _outcome(future, by_key[future.key])
            log_detail(parsed)
            on_parsed(parsed)


def _outcome(future: Future, source: Source) -> Parsed:
    """A finished task's outcome; a task that failed on the cluster is that file's failure."""
    if future.status == "finished":
        return future.result()
    error = future.exception()
    return Parsed(source, None, one_line(f"failed on the cluster: {type(error).__name__}: {error}"))
