"""The command line: thin Typer wrappers over the library; data to stdout, logs to stderr."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from newsfuse import __version__
from newsfuse.errors import NewsfuseError, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Group news articles into events and show where the sources disagree.")
db_app = typer.Typer(help="Store maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOpt = Annotated[str | None, typer.Option("--db", envvar="NEWSFUSE_DB",
                                           help="Store file (default ./newsfuse.db).")]
PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders of articles.")]
SourceOpt = Annotated[str | None, typer.Option(help="Outlet for inputs that do not name one.")]
PublishedOpt = Annotated[str | None, typer.Option(help="Publication date for undated inputs.")]
ModelOpt = Annotated[str | None, typer.Option("--nlp-model", help="spaCy pipeline name or path.")]
WorkersOpt = Annotated[int, typer.Option(help="NLP worker processes (0 = automatic).")]
EngineOpt = Annotated[str, typer.Option(help="Where the per-article stages run: processes or "
                                        "ray (needs the ray extra).")]
AddressOpt = Annotated[str | None, typer.Option(help="Ray cluster address (ray://host:10001); "
                                                "default: a local Ray on this machine.")]
_state = {"debug": False, "quiet": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsfuse {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks on errors.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="More log output.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress or summaries.")] = False,
) -> None:
    """newsfuse: articles in, events out."""
    _state.update(debug=debug, quiet=quiet)
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    from rich.console import Console
    from rich.logging import RichHandler

    logging.basicConfig(level=level, format="%(message)s", force=True,
                        handlers=[RichHandler(console=Console(stderr=True), show_path=False)])


def _settings(source: str | None, published: str | None, model: str | None,
              workers: int, engine: str = "processes", address: str | None = None) -> Any:
    from newsfuse import ray_engine
    from newsfuse.ingest import InputOptions
    from newsfuse.pipeline import PipelineSettings

    if workers < 0:
        raise UsageError("--workers must be 0 (automatic) or more.")
    if engine not in ray_engine.ENGINES:
        raise UsageError(f"--engine must be {' or '.join(ray_engine.ENGINES)}, not {engine!r}.")
    if engine == "ray" and not ray_engine.ray_available():
        raise UsageError(ray_engine.RAY_MISSING)
    if address and engine != "ray":
        raise UsageError("--address needs --engine ray.")
    return PipelineSettings(inputs=InputOptions(source=source, published=published),
                            nlp_model=model, workers=workers, engine=engine, ray_address=address)


@contextmanager
def _progress() -> Iterator[Any]:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if _state["quiet"] or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        tasks: dict[str, Any] = {}

        def advance(stage: str, n: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], advance=n, total=total)

        yield advance


def _finish(report: Any) -> None:
    if not _state["quiet"]:
        typer.echo(report.summary(), err=True)
        for rejection in report.rejected[:20]:
            typer.echo(f"  rejected {rejection.origin}: [{rejection.code}] {rejection.reason}",
                       err=True)
        if len(report.rejected) > 20:
            typer.echo(f"  … and {len(report.rejected) - 20} more ('newsfuse rejected')", err=True)
    if report.rejected:
        raise typer.Exit(1)


def _reject_exit(rejected: list[Any]) -> None:
    """Name every rejected input on stderr (there is no store to ask later); exit 1 if any."""
    for rejection in rejected:
        typer.echo(f"  rejected {rejection.origin}: [{rejection.code}] {rejection.reason}",
                   err=True)
    if rejected:
        raise typer.Exit(1)


def _write_lines(output: Path | None, write: Callable[[TextIO], list[Any]]) -> list[Any]:
    """Run a writer of JSON lines into `output` (stdout when None); returns its rejections."""
    if output is None:
        return write(sys.stdout)
    with output.open("w", encoding="utf-8") as out:
        return write(out)


@app.command()
def analyze(paths: PathsArg,
            output: Annotated[str, typer.Option("-o", "--output", help="Report file: .html, .md, "
                                                ".json, .jsonl or .csv.")] = "report.html",
            source: SourceOpt = None, published: PublishedOpt = None, nlp_model: ModelOpt = None,
            workers: WorkersOpt = 0, engine: EngineOpt = "processes",
            address: AddressOpt = None) -> None:
    """Run everything on a temporary store and write a report."""
    from newsfuse.pipeline import analyze as run

    settings = _settings(source, published, nlp_model, workers, engine, address)
    with _progress() as progress:
        report = run(paths, output, settings, progress)
    if not _state["quiet"]:
        typer.echo(f"wrote {output}", err=True)
    _finish(report)


@app.command()
def ingest(paths: PathsArg, db: DbOpt = None, source: SourceOpt = None,
           published: PublishedOpt = None, nlp_model: ModelOpt = None,
           workers: WorkersOpt = 0, engine: EngineOpt = "processes",
           address: AddressOpt = None) -> None:
    """Add articles to a lasting store (idempotent; re-run after a crash to complete)."""
    from newsfuse.pipeline import ingest as run
    from newsfuse.store import open_store

    settings = _settings(source, published, nlp_model, workers, engine, address)
    store = open_store(db)
    try:
        with _progress() as progress:
            report = run(paths, store, settings, progress)
    finally:
        store.close()
    _finish(report)


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Output format.")]


@app.command()
def events(db: DbOpt = None, fmt: FormatOpt = "table",
           limit: Annotated[int, typer.Option(help="At most this many events.")] = 50) -> None:
    """List events, newest first."""
    from newsfuse.store import open_store

    store = open_store(db, create=False)
    rows = [{"id": e.id, "start": e.start, "end": e.end, "articles": e.n_articles,
             "title": e.title} for e in store.events(limit)]
    store.close()
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "table":
        for row in rows:
            typer.echo(f"{row['id']}  {row['start'] or 'undated':10}  {row['articles']:>3}  "
                       f"{row['title'] or ''}")
    else:
        raise UsageError(f"unknown format {fmt!r} for events; use table, json or jsonl.")


@app.command()
def show(event_id: Annotated[str, typer.Argument(help="Event id (a unique prefix is enough).")],
         db: DbOpt = None, fmt: FormatOpt = "md") -> None:
    """One event's dossier (md, json or html)."""
    from newsfuse.export import event_document, render
    from newsfuse.store import open_store

    store = open_store(db, create=False)
    try:
        typer.echo(render(event_document(store, event_id), fmt), nl=False)
    finally:
        store.close()


@app.command()
def export(db: DbOpt = None, fmt: FormatOpt = "json",
           what: Annotated[str, typer.Option(help="events or articles (jsonl).")] = "events",
           output: Annotated[Path | None, typer.Option("-o", "--output",
                                                       help="File (default stdout).")] = None,
           ) -> None:
    """Export the store: json (newsfuse/1), jsonl, md, html or csv."""
    from newsfuse.export import build_document, render
    from newsfuse.store import open_store

    if what not in ("events", "articles"):
        raise UsageError("--what must be 'events' or 'articles'.")
    store = open_store(db, create=False)
    try:
        text = render(build_document(store), fmt, what)
    finally:
        store.close()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


@app.command()
def rejected(db: DbOpt = None, fmt: FormatOpt = "table") -> None:
    """What was refused, and why."""
    from newsfuse.store import open_store

    store = open_store(db, create=False)
    rows = store.rejections()
    store.close()
    for row in rows:
        if fmt == "jsonl":
            typer.echo(row.model_dump_json())
        else:
            typer.echo(f"{row.code}  {row.stage:7}  {row.origin}  {row.reason}")


@app.command()
def explain(article_id: Annotated[str, typer.Argument(help="Article id.")], db: DbOpt = None,
            fmt: FormatOpt = "text") -> None:
    """Why an article is in its event: score, reasons and the runner-up."""
    from newsfuse.errors import NotFound
    from newsfuse.store import open_store

    store = open_store(db, create=False)
    try:
        assignment = store.assignment(article_id)
        if assignment is None:
            raise NotFound(f"no article with id {article_id!r}.")
        changes = store.changes(article_id)
    finally:
        store.close()
    if fmt == "json":
        record = assignment.model_dump(mode="json")
        record["changes"] = [c.model_dump(mode="json") for c in changes]
        typer.echo(json.dumps(record, indent=2))
        return
    first = changes[0].other_id if changes else assignment.event_id
    verb = "started" if assignment.new_event else "joined"
    typer.echo(f"{article_id} {verb} {first} (score {assignment.score:.3f})")
    for reason in assignment.reasons:
        typer.echo(f"  {reason.weight:+.3f}  {reason.kind}: {reason.value}")
    if assignment.runner_up:
        typer.echo(f"  runner-up {assignment.runner_up} (score {assignment.runner_up_score:.3f})")
    for change in changes:
        typer.echo(f"then {change.other_id} was merged into {change.event_id} "
                   f"(score {change.score:.3f}, after article #{change.at_seq})")
        for reason in change.reasons:
            typer.echo(f"  {reason.weight:+.3f}  {reason.kind}: {reason.value}")


FeedsArg = Annotated[list[str], typer.Argument(help="Feed URLs, OPML files or text files of URLs.")]


@app.command()
def watch(feeds: FeedsArg, db: DbOpt = None,
          every: Annotated[str, typer.Option(help="Time between polls of a feed: 30s, 5m, 1h.")]
          = "5m",
          once: Annotated[bool, typer.Option(help="Poll every feed once, then exit.")] = False,
          allow_private: Annotated[bool, typer.Option(
              help="Allow private, loopback and link-local addresses.")] = False,
          nlp_model: ModelOpt = None, workers: WorkersOpt = 0) -> None:
    """Poll RSS/Atom feeds and ingest new articles as they appear (Ctrl-C stops)."""
    from newsfuse.ingest.watch import run_watch

    def show(report: Any) -> None:
        if not _state["quiet"]:
            typer.echo(report.summary(), err=True)

    try:
        last = run_watch(feeds, db, every, once, allow_private,
                         _settings(None, None, nlp_model, workers), show)
    except KeyboardInterrupt:
        return
    if any(feed.status == "failed" for feed in last.feeds):
        raise typer.Exit(1)


@app.command()
def extract(paths: PathsArg,
            output: Annotated[Path | None, typer.Option("-o", "--output",
                                                        help="JSON Lines file (default stdout).")
                              ] = None,
            source: SourceOpt = None, published: PublishedOpt = None,
            nlp_model: ModelOpt = None) -> None:
    """Every extraction of each article, one JSON line each (spans into the text as given)."""
    from newsfuse.extract.command import write_extractions
    from newsfuse.ingest import InputOptions

    options = InputOptions(source=source, published=published)
    _reject_exit(_write_lines(output, lambda out: write_extractions(paths, out, nlp_model,
                                                                    options)))


@app.command()
def summarize(clusters: Annotated[Path, typer.Argument(help="JSON Lines of {id, documents}.")],
              output: Annotated[Path | None, typer.Option("-o", "--output",
                                                          help="JSON Lines file (default stdout).")
                                ] = None,
              words: Annotated[int, typer.Option(help="Length of each brief in words.")] = 120,
              ) -> None:
    """A brief of each pre-grouped cluster, as {"id", "summary"} lines (citations stripped)."""
    from newsfuse.summarize import write_summaries

    if not clusters.is_file():
        raise UsageError(f"{clusters} is not a file.")
    with clusters.open(encoding="utf-8", errors="replace") as lines:
        _reject_exit(_write_lines(output, lambda out: write_summaries(lines, out, words)))


@app.command()
def serve(db: DbOpt = None,
          host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          allow_writes: Annotated[bool, typer.Option("--allow-writes",
                                                     help="Accept POST /api/articles.")] = False,
          token: Annotated[str | None, typer.Option(envvar="NEWSFUSE_TOKEN",
                                                    help="Bearer token required for writes.")
                           ] = None,
          index: Annotated[Path | None, typer.Option(
              help="Keep the desk's event index in this file, so the next start only catches "
                   "up (default: a temporary one, built at each start).")] = None) -> None:
    """The web desk and its JSON API (read-only unless --allow-writes with --token)."""
    import uvicorn

    from newsfuse.serve import create_app
    from newsfuse.store import resolve_db
    from newsfuse.store.postgres import is_postgres

    location = resolve_db(db)
    if is_postgres(location):
        raise UsageError("the web desk reads SQLite stores only; serve a SQLite copy for now.")
    web = create_app(location, allow_writes=allow_writes, token=token,
                     index=str(index) if index else None)
    if not _state["quiet"]:
        typer.echo(f"newsfuse web desk on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)


@db_app.command("migrate")
def migrate(db: DbOpt = None) -> None:
    """Create the store or bring its schema up to date."""
    from newsfuse.store import open_store, resolve_db

    store = open_store(db)
    version = store.migrate()
    store.close()
    typer.echo(f"{resolve_db(db)}: schema version {version}", err=True)


def _is_click_error(exc: Exception) -> bool:
    """Click's own errors, from click or from the copy Typer ships (typer._click, Typer 0.20+):
    told by their shape, since the two copies share no class."""
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__) and \
        hasattr(exc, "format_message")


def main() -> None:
    """Entry point: run the app, turning newsfuse errors into one sentence and an exit code."""
    try:
        code = app(standalone_mode=False)
    except NewsfuseError as exc:
        if _state["debug"]:
            raise
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except Exception as exc:  # the CLI's last resort: one sentence unless --debug
        if _is_click_error(exc):  # a bad option or argument: one sentence, exit code 2
            message = str(exc.format_message()).rstrip(".")  # type: ignore[attr-defined]
            typer.echo(f"Error [{UsageError.code}]: {message} (see --help).", err=True)
            sys.exit(int(getattr(exc, "exit_code", 2)))
        if _state["debug"]:
            raise
        typer.echo(f"Error [NF999]: unexpected {type(exc).__name__}: {exc} (rerun with --debug "
                   "for the traceback)", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
