"""``protestmap extract``: candidate incidents from article text, their evaluation and review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from protestmap.cli.console import progress, say
from protestmap.cli.output import Format, render_rows
from protestmap.cli.support import Day, err, parse_day

__all__ = ["extract_command", "register_text"]


def extract_command(
    articles: Annotated[list[Path], typer.Argument(help="Article files: plain text, or saved web pages (.html).")],
    published: Annotated[
        Day,
        typer.Option(
            "--published", parser=parse_day, help="Publication date (YYYY-MM-DD); wins over any date in the text."
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="auto, en or es.")] = "auto",
    fmt: Annotated[Format, typer.Option("--format", "-f", help="csv or json (table also works).")] = Format.csv,
    evaluate_truth: Annotated[
        Path | None, typer.Option("--evaluate", help="Truth CSV: print precision, recall and F1.")
    ] = None,
    into: Annotated[
        Path | None, typer.Option("--into", help="Compare with this dataset and write a review file.")
    ] = None,
    apply: Annotated[bool, typer.Option("--apply", help="With --into: add the new candidates to the dataset.")] = False,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help="Drop candidates below this confidence.")
    ] = 0.5,
) -> None:
    """Read news articles (English or Spanish) and print candidate incidents with their evidence.

    Each candidate has the incident fields plus how its date was found (date_source), a note
    when the date is missing or outside the dataset period (date_note), its source file, the
    character span of the evidence sentence and a confidence. Dates are resolved against
    --published when given, else the article's own date (header or byline, a date in a URL, a
    wire dateline, or an .html page's meta tags). Running totals are listed after the
    candidates as rows whose record is "running total", never as incidents.
    """
    from protestmap.errors import ArticleReadError
    from protestmap.text.articles import read_article
    from protestmap.text.evaluate import CANDIDATE_COLUMNS, candidate_rows
    from protestmap.text.extract import extract_text

    if lang not in {"auto", "en", "es"}:
        err("error: --lang must be auto, en or es")
        raise typer.Exit(2)
    missing = next((path for path in articles if not path.is_file()), None)
    if missing is not None:
        err(f"error: no such file: {missing}")
        raise typer.Exit(2)
    extractions = []
    with progress("reading articles", total=len(articles)) as advance:
        for path in articles:
            advance()
            if not path.is_file():
                err(f"error: no such file: {path}")
                raise typer.Exit(2)
            try:
                article = read_article(path)
            except ArticleReadError as exc:
                say(f"warning: skipped: {exc}")
                continue
            if article.fallback:
                say(f"note: {path}: {article.fallback}")
            given, how = (published, "--published") if published else (article.published, "page meta tag")
            extraction = extract_text(article.text, source=path.name, published=given, language=lang, published_how=how)
            if extraction.published is None:
                say(
                    f"note: {path}: no publication date found (header, byline, URL, dateline or meta tag); "
                    "only sentences that state their own date are dated. Give one with --published YYYY-MM-DD."
                )
            extractions.append(extraction)
    if evaluate_truth is not None:
        from protestmap.text.evaluate import evaluate, load_truth

        typer.echo(evaluate(extractions, load_truth(evaluate_truth), min_confidence=min_confidence).report(), nl=False)
        return
    if into is not None:
        _propose(extractions, into, apply=apply, min_confidence=min_confidence)
        return
    rows = [row for e in extractions for row in candidate_rows(e, min_confidence=min_confidence, running_totals=True)]
    typer.echo(render_rows(rows, CANDIDATE_COLUMNS, fmt, title="candidate incidents and running totals"), nl=False)
    totals = sum(row["record"] == "running total" for row in rows)
    say(f"{len(rows) - totals} candidate(s) and {totals} running total(s) from {len(extractions)} article(s)")


def _propose(extractions: list, into: Path, *, apply: bool, min_confidence: float) -> None:
    from protestmap._io import write_atomic
    from protestmap.dataset.write import rows_to_csv
    from protestmap.pipeline import load_incidents
    from protestmap.text.evaluate import CANDIDATE_COLUMNS, apply_proposals, propose_into

    proposals = propose_into(extractions, load_incidents(into), min_confidence=min_confidence)
    fresh = sum(p["status"] == "new" for p in proposals)
    if apply:
        added = apply_proposals(proposals, into)
        typer.echo(f"added {added} incident(s) to {into}; {len(proposals) - fresh} matched existing incidents")
        return
    review = (into if into.is_dir() else into.parent) / "extraction-review.csv"
    write_atomic(rows_to_csv(proposals, ["status", "event_id", *CANDIDATE_COLUMNS]), review)
    typer.echo(f"{review}: {fresh} new candidate(s), {len(proposals) - fresh} matching existing incidents")


def register_text(app: typer.Typer) -> None:
    """Add ``extract`` to the root command line."""
    app.command("extract")(extract_command)
