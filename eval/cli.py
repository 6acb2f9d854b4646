"""``python -m eval``: measure the suite offline and compare runs.

Postponed annotations are deliberately not used here: typer reads the
``Annotated`` option declarations at run time.
"""

import functools
import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table as RichTable

from eval.errors import EvalError
from eval.metrics.faithfulness import ClaimCheckSettings
from eval.metrics.premise import PackingSizes
from eval.report import compare as comparing
from eval.report.markdown import interval
from eval.report.results import load_results
from eval.runner import default_run_dir, run_and_write
from eval.tasks import faithfulness, nli, null_query, premise, qa, rouge
from eval.tasks.common import PredictionSettings

app = typer.Typer(
    name="eval",
    help="Offline evaluation of searchlm: rouge, nli, faithfulness, premise, qa, null-query; compare runs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_out = Console()
_err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., None])


class Lang(StrEnum):
    """Text language: picks the tokenizer and sentence splitter."""

    ko = "ko"
    en = "en"


DataArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Data file.")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Run folder (default: runs/<task>-<UTC time>).")
]
FormatOpt = Annotated[str, typer.Option("--format", help="Data format; 'auto' picks by file suffix.")]
PredictionsOpt = Annotated[
    Path | None,
    typer.Option(
        exists=True,
        dir_okay=False,
        help="Predictions file for the file source (default: the data file itself).",
    ),
]
SourceOpt = Annotated[
    str | None,
    typer.Option(help="Prediction source: file, inprocess or grpc (default: grpc with --target, else file)."),
]
TargetOpt = Annotated[str | None, typer.Option(help="host:port of a live service (grpc source).")]
ConcurrencyOpt = Annotated[int, typer.Option(min=1, help="Predictor calls in flight (remote sources).")]
ScorerOpt = Annotated[str, typer.Option(help="EntailmentScorer: registry name or module:attribute.")]
SamplesOpt = Annotated[int, typer.Option(min=0, help="Sample cases per section in report.md.")]
LangOpt = Annotated[Lang, typer.Option(help="Language of the texts (tokenizer, sentence splitter).")]


# searchlm errors that mean "fix your command line" (an unknown name, a scorer that cannot be
# opened), as module -> class. Named, not imported: importing eval.cli loads no searchlm, and
# a module that raised one of them is loaded by the time it is caught.
_SEARCHLM_USER_ERRORS = {
    "searchlm.registry": "RegistryError",
    "searchlm.nli.registry": "ScorerUnavailableError",
}


def _is_user_error(exc: Exception) -> bool:
    if isinstance(exc, EvalError):
        return True
    loaded = (getattr(sys.modules.get(module), name, None) for module, name in _SEARCHLM_USER_ERRORS.items())
    return any(isinstance(cls, type) and isinstance(exc, cls) for cls in loaded)


def friendly_errors(command: F) -> F:
    """Print user errors as one line on stderr and exit 2, without a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except Exception as exc:
            if not _is_user_error(exc):
                raise
            _err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


S = TypeVar("S")


def _valid(factory: Callable[..., S], *args: Any) -> S:
    """Build a settings object; its validation errors are user errors, not bugs."""
    try:
        return factory(*args)
    except ValueError as exc:
        raise EvalError(str(exc)) from exc


def _predictions(
    predictions: Path | None, source: str | None, target: str | None, concurrency: int
) -> PredictionSettings:
    return _valid(PredictionSettings, source, predictions, target, concurrency)


def _files(data: Path, predictions: Path | None = None) -> dict[str, Path]:
    return {"data": data, **({"predictions": predictions} if predictions else {})}


def _finish(
    task: str, run: Callable[[], Any], settings: Any, files: Mapping[str, Path], out: Path | None
) -> dict[str, Any]:
    out_dir = out or default_run_dir(task)
    results = run_and_write(run, settings=settings, files=files, out_dir=out_dir)
    _print_figures(results)
    if results["n_failed"]:
        _err.print(f"[yellow]{results['n_failed']} item(s) failed; listed in results.json[/]")
    _out.print(
        f"wrote {out_dir}/ (results.json, report.md, {len(results['plots'])} plot(s))", highlight=False
    )
    return results


def _print_figures(results: Mapping[str, Any]) -> None:
    table = RichTable(title=f"{results['task']}: {results['n_items']} items")
    for column in ("metric", "value", "95 % CI", "n"):
        table.add_column(column)
    for name, record in results["metrics"].items():
        value = "n/a" if record["value"] is None else f"{record['value']:.4f}"
        table.add_row(name, value, interval(record), str(record["n"]))
    _out.print(table)


@app.command("rouge")
@friendly_errors
def rouge_command(
    data: DataArg,
    predictions: PredictionsOpt = None,
    lang: LangOpt = Lang.ko,
    stemmer: Annotated[bool, typer.Option(help="Porter stemmer (English only).")] = False,
    fmt: FormatOpt = "auto",
    source: SourceOpt = None,
    target: TargetOpt = None,
    concurrency: ConcurrencyOpt = 8,
    samples: SamplesOpt = 3,
    out: OutOpt = None,
) -> None:
    """ROUGE-1/2/L/Lsum of review summaries against references (JSONL or FewSum TSV)."""
    settings = _valid(
        rouge.RougeSettings,
        data,
        fmt,
        lang.value,
        stemmer,
        _predictions(predictions, source, target, concurrency),
        samples,
    )
    _finish("rouge", lambda: rouge.run(settings), settings, _files(data, predictions), out)


@app.command("nli")
@friendly_errors
def nli_command(
    data: DataArg,
    scorer: ScorerOpt = "default",
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per score() call.")] = 32,
    fmt: FormatOpt = "auto",
    samples: SamplesOpt = 5,
    out: OutOpt = None,
) -> None:
    """Accuracy, macro-F1 and confusion matrix of an EntailmentScorer (KLUE JSON, KorNLI TSV)."""
    settings = _valid(nli.NliSettings, data, fmt, scorer, batch_size, samples)
    _finish("nli", lambda: nli.run(settings), settings, _files(data), out)


@app.command("faithfulness")
@friendly_errors
def faithfulness_command(
    data: DataArg,
    predictions: PredictionsOpt = None,
    scorer: ScorerOpt = "default",
    lang: LangOpt = Lang.ko,
    entailment_threshold: Annotated[float, typer.Option(help="Support needs entailment >= this.")] = 0.5,
    contradiction_threshold: Annotated[float, typer.Option(help="Contradiction must stay below this.")] = 0.5,
    chunk_chars: Annotated[int, typer.Option(min=1, help="Max characters per premise chunk.")] = 400,
    fmt: FormatOpt = "auto",
    source: SourceOpt = None,
    target: TargetOpt = None,
    concurrency: ConcurrencyOpt = 8,
    samples: SamplesOpt = 5,
    out: OutOpt = None,
) -> None:
    """Claim-level support of summaries by their source reviews (JSONL {id, summary, reviews})."""
    check = _valid(ClaimCheckSettings, entailment_threshold, contradiction_threshold, chunk_chars)
    settings = _valid(
        faithfulness.FaithfulnessSettings,
        data,
        fmt,
        scorer,
        lang.value,
        check,
        _predictions(predictions, source, target, concurrency),
        samples,
    )
    _finish("faithfulness", lambda: faithfulness.run(settings), settings, _files(data, predictions), out)


@app.command("premise")
@friendly_errors
def premise_command(
    data: DataArg,
    calibration: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            readable=True,
            help="KLUE-NLI file the thresholds are chosen on (never the reported file).",
        ),
    ] = premise.DEFAULT_CALIBRATION,
    calibration_size: Annotated[int, typer.Option(min=2, help="Seeded sample of calibration items.")] = 600,
    k: Annotated[int, typer.Option("--k", min=1, help="Distractor reviews around each claim's review.")] = 4,
    limit: Annotated[int | None, typer.Option(min=2, help="Seeded sample of reported items.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of distractors, positions and samples.")] = 13,
    premise_chars: Annotated[
        int, typer.Option(min=1, help="Longest packed premise (review_summary's setting).")
    ] = PackingSizes.premise_chars,
    chunk_chars: Annotated[
        int, typer.Option(min=1, help="Longest review chunk (review_summary's setting).")
    ] = PackingSizes.chunk_chars,
    scorer: ScorerOpt = "default",
    threads: Annotated[
        int, typer.Option(min=0, help="torch CPU threads of the scorer (0: its default).")
    ] = 0,
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per score() call.")] = 512,
    fmt: FormatOpt = "auto",
    samples: SamplesOpt = 5,
    out: OutOpt = None,
) -> None:
    """Multi-review faithfulness: ROUGE-1 vs NLI per sentence, per review and on packed premises."""
    settings = _valid(
        premise.PremiseSettings,
        data,
        calibration,
        fmt,
        scorer,
        k,
        limit,
        calibration_size,
        seed,
        _valid(PackingSizes, chunk_chars, premise_chars),
        threads,
        batch_size,
        samples,
    )
    files = {"data": data, "calibration": calibration}
    results = _finish("premise", lambda: premise.run(settings), settings, files, out)
    _out.print(results["details"]["verdict"], highlight=False, soft_wrap=True)


@app.command("qa")
@friendly_errors
def qa_command(
    data: DataArg,
    predictions: PredictionsOpt = None,
    k: Annotated[
        list[int] | None, typer.Option("--k", help="Recall@k cut-off, repeatable (default: 1, 5, 10).")
    ] = None,
    fmt: FormatOpt = "auto",
    source: SourceOpt = None,
    target: TargetOpt = None,
    concurrency: ConcurrencyOpt = 8,
    samples: SamplesOpt = 5,
    out: OutOpt = None,
) -> None:
    """KorQuAD EM/F1, recall@k, abstention and yes/no accuracy (KorQuAD JSON or QA JSONL)."""
    ks = tuple(sorted(set(k))) if k else (1, 5, 10)
    settings = _valid(
        qa.QaSettings, data, fmt, ks, _predictions(predictions, source, target, concurrency), samples
    )
    _finish("qa", lambda: qa.run(settings), settings, _files(data, predictions), out)


@app.command("null-query")
@friendly_errors
def null_query_command(
    data: DataArg,
    predictions: PredictionsOpt = None,
    fmt: FormatOpt = "auto",
    source: SourceOpt = None,
    target: TargetOpt = None,
    concurrency: ConcurrencyOpt = 8,
    samples: SamplesOpt = 5,
    out: OutOpt = None,
) -> None:
    """Top-1/top-3 recovery by noise type and false-rewrite rate of query rewriting."""
    settings = _valid(
        null_query.NullQuerySettings,
        data,
        fmt,
        _predictions(predictions, source, target, concurrency),
        samples,
    )
    _finish("null_query", lambda: null_query.run(settings), settings, _files(data, predictions), out)


@app.command("compare")
@friendly_errors
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="Baseline run folder (A).")],
    run_b: Annotated[Path, typer.Argument(help="Candidate run folder (B).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the table as Markdown.")] = None,
) -> None:
    """Side-by-side figures of two runs with deltas and whether they leave the 95 % CIs."""
    comparisons, warnings = comparing.compare_results(load_results(run_a), load_results(run_b))
    table = RichTable(title=f"A = {run_a}   B = {run_b}")
    for index, header in enumerate(comparing.HEADERS):
        table.add_column(header, no_wrap=index == 0)
    for row in comparing.rows(comparisons):
        table.add_row(*row)
    _out.print(table)
    for warning in warnings:
        _err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if out is not None:
        out.write_text(
            comparing.render_markdown(str(run_a), str(run_b), comparisons, warnings), encoding="utf-8"
        )


def main() -> None:
    """Console entry point."""
    app()
