"""`python -m searchlm.search`: build an index from JSONL documents, count, search.

    python -m searchlm.search build docs.jsonl --path runs/index
    python -m searchlm.search build docs.jsonl --backend elasticsearch \
        --url http://127.0.0.1:9200 --index catalog
    python -m searchlm.search count "삼성 갤럭시" --path runs/index

Documents are `{id, title, text?, ...}` per line; other fields are kept as `extra`. A build
can be re-run safely: documents are keyed by id, so a second run replaces, never duplicates.
"""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from searchlm.search.registry import BackendConfig, open_backend
from searchlm.search.types import Document

app = typer.Typer(name="searchlm.search", help=__doc__, no_args_is_help=True, add_completion=False)

BackendOpt = Annotated[str, typer.Option(help="embedded or elasticsearch.")]
PathOpt = Annotated[str, typer.Option(help="Embedded index folder.")]
UrlOpt = Annotated[str, typer.Option(help="Elasticsearch URL.")]
IndexOpt = Annotated[str, typer.Option(help="Elasticsearch index name.")]


def read_documents(path: Path) -> Iterator[Document]:
    """Documents of a JSONL file (`id` and `title` required).

    Raises:
        ValueError: naming the line of a malformed record.
    """
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                doc_id, title = str(row.pop("id")), str(row.pop("title"))
            except (json.JSONDecodeError, KeyError, AttributeError) as exc:
                raise ValueError(
                    f"{path}:{number}: expected a JSON object with id and title ({exc})"
                ) from exc
            yield Document(doc_id, title, str(row.pop("text", "") or ""), row)


def _batches(docs: Iterator[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def build_index(source: Path, config: BackendConfig, *, batch_size: int = 512) -> int:
    """Indexes every document of `source` with a progress bar; returns the count."""
    total = sum(1 for line in source.open(encoding="utf-8") if line.strip())
    backend = open_backend(config)
    written = 0
    try:
        with tqdm(total=total, desc=f"index {source.name}", unit="doc") as bar:
            for batch in _batches(read_documents(source), batch_size):
                written += await backend.index(batch)
                bar.update(len(batch))
    finally:
        await backend.close()
    return written


@app.command()
def build(
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSONL documents.")],
    backend: BackendOpt = "embedded",
    path: PathOpt = "runs/index",
    url: UrlOpt = "http://127.0.0.1:9200",
    index: IndexOpt = "searchlm",
    batch_size: Annotated[int, typer.Option(min=1)] = 512,
) -> None:
    """Index JSONL documents into the chosen backend."""
    config = BackendConfig(backend, path, url, index)
    try:
        written = asyncio.run(build_index(source, config, batch_size=batch_size))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"indexed {written} documents into {backend} {path if backend == 'embedded' else index}")


async def _query(config: BackendConfig, query: str, k: int) -> tuple[int, list[tuple[str, str, float]]]:
    backend = open_backend(config)
    try:
        hits = await backend.search(query, k)
        return await backend.count(query), [(h.id, h.title, h.score) for h in hits]
    finally:
        await backend.close()


@app.command()
def search(
    query: str,
    k: int = 10,
    backend: BackendOpt = "embedded",
    path: PathOpt = "runs/index",
    url: UrlOpt = "http://127.0.0.1:9200",
    index: IndexOpt = "searchlm",
) -> None:
    """Print the AND hit count and the BM25 top-k of a query."""
    count, hits = asyncio.run(_query(BackendConfig(backend, path, url, index), query, k))
    typer.echo(f"hits (all morphemes): {count}")
    for doc_id, title, score in hits:
        typer.echo(f"{score:8.3f}  {doc_id}  {title}")
