"""`python -m services.null_query.benchmark`: the seeded null-query noise benchmark.

    python -m services.null_query.benchmark ../shared/data/korquad1.0/KorQuAD_v1.0_dev.json \\
        --space ../shared/data/kiwi-space-eval/written.txt --out runs/nq-bench

Entity names (article titles, `_` -> space, parentheses dropped) become the catalog
(`catalog.jsonl`, for `SEARCHLM_NULL_QUERY_CATALOG_PATH`); each name gets noisy variants of
every type with the clean name as gold (`queries.jsonl`, the eval CLI's null-query format),
plus the clean names themselves (`none`: must not be rewritten). A variant that still finds
documents is not a null query: it is redrawn (up to 8 tries) and otherwise dropped, and the
drops are counted in `manifest.json`. With `--space`, Kiwi's spacing sentences become a
second set (`space_catalog.jsonl` + `space_queries.jsonl`). Same inputs and seed, same files.
"""

import asyncio
import json
import random
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from tqdm import tqdm

from searchlm.search.embedded import EmbeddedBm25Backend
from searchlm.search.types import Document
from services.null_query.noise import NOISES

_PARENS = re.compile(r"\([^)]*\)")
_SPURIOUS, _MISSING = "\u2581", "\u2594"
app = typer.Typer(add_completion=False)


def entity_names(korquad: Path) -> list[str]:
    """Distinct cleaned article titles of a SQuAD/KorQuAD file, in file order."""
    titles = [a["title"] for a in json.loads(korquad.read_text(encoding="utf-8"))["data"]]
    names = (" ".join(_PARENS.sub(" ", t.replace("_", " ")).split()) for t in titles)
    return list(dict.fromkeys(n for n in names if n))


def space_pairs(path: Path, max_chars: int = 256) -> list[tuple[str, str]]:
    """(noisy, gold) of Kiwi's spacing benchmark lines that fit a query (<= max_chars)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        noisy = " ".join(line.replace(_SPURIOUS, " ").replace(_MISSING, "").split())
        gold = " ".join(line.replace(_SPURIOUS, "").replace(_MISSING, " ").split())
        if gold and len(noisy) <= max_chars:
            pairs.append((noisy, gold))
    return pairs


async def _index(names: list[str]) -> EmbeddedBm25Backend:
    backend = EmbeddedBm25Backend()
    await backend.index(Document(f"e{i:05d}", n) for i, n in enumerate(names))
    return backend


async def _null_variant(
    backend: EmbeddedBm25Backend, noise: str, name: str, rng: random.Random
) -> str | None:
    for _ in range(8):
        noisy = NOISES[noise](name, rng)
        if noisy and noisy != name and await backend.count(noisy) == 0:
            return noisy
    return None


async def build_items(
    names: list[str], seed: int, per_name: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Benchmark items and the drop counts."""
    backend = await _index(names)
    items = [{"id": f"c{i:05d}", "query": n, "gold": n, "noise_type": "none"} for i, n in enumerate(names)]
    dropped = dict.fromkeys(NOISES, 0)
    for i, name in enumerate(tqdm(names, desc="noise", unit="name")):
        for noise in NOISES:
            rng = random.Random(f"{seed}:{noise}:{name}")
            for k in range(per_name):
                noisy = await _null_variant(backend, noise, name, rng)
                if noisy is None:
                    dropped[noise] += 1
                    continue
                items.append(
                    {"id": f"{noise}-{i:05d}-{k}", "query": noisy, "gold": name, "noise_type": noise}
                )
    return items, {"seed": seed, "per_name": per_name, "names": len(names), "dropped_not_null": dropped}


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


async def _space_set(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    pairs = space_pairs(path)
    backend = await _index([gold for _, gold in pairs])
    catalog = [{"id": f"s{i:04d}", "title": gold} for i, (_, gold) in enumerate(pairs)]
    queries, not_null = [], 0
    for i, (noisy, gold) in enumerate(pairs):
        if noisy != gold and await backend.count(noisy) > 0:
            not_null += 1
            continue
        queries.append({"id": f"s{i:04d}", "query": noisy, "gold": gold, "noise_type": "spacing_sentence"})
    return catalog, queries, {"sentences": len(pairs), "dropped_not_null": not_null}


@app.command()
def main(
    korquad: Annotated[Path, typer.Argument(exists=True, help="KorQuAD/SQuAD JSON (titles = entity names).")],
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("runs/nq-bench"),
    space: Annotated[Path | None, typer.Option(exists=True, help="Kiwi spacing benchmark text.")] = None,
    seed: int = 13,
    per_name: Annotated[int, typer.Option(min=1, help="Noisy variants per name and noise type.")] = 2,
) -> None:
    """Write catalog.jsonl, queries.jsonl and manifest.json (and the spacing set) to --out."""
    out.mkdir(parents=True, exist_ok=True)
    names = entity_names(korquad)
    items, manifest = asyncio.run(build_items(names, seed, per_name))
    _write(out / "catalog.jsonl", [{"id": f"e{i:05d}", "title": n} for i, n in enumerate(names)])
    _write(out / "queries.jsonl", items)
    if space is not None:
        catalog, queries, space_manifest = asyncio.run(_space_set(space))
        _write(out / "space_catalog.jsonl", catalog)
        _write(out / "space_queries.jsonl", queries)
        manifest["spacing_sentences"] = space_manifest
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(json.dumps(manifest, ensure_ascii=False))


if __name__ == "__main__":
    app()
