"""The benchmark's sites are valid, and the fast render path for plain pages matches Jinja's.

The benchmark itself (benchmarks/run.py) prints timings; these tests check only correctness:
the generator writes two sites that build strictly, and pages rendered without Jinja's compiler
come out exactly as Jinja renders them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_in_process

from macros.checks import check_site
from macros.pages import PageRenderer
from macros.records import load_records
from macros.settings import read_settings

PAGES = 5


@pytest.fixture(scope="module")
def benchmark_sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both sites written by benchmarks/gen_site.py and built with `mkdocs build --strict`."""
    out = tmp_path_factory.mktemp("benchmark")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_site.py"), "--pages", str(PAGES)]
        + ["--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    for variant in ("ours", "plain"):
        result = build_in_process(out / variant)
        assert result.returncode == 0, result.stdout
    return out


def how_to_pages(site: Path) -> list[Path]:
    return sorted(
        p for p in (site / "docs").rglob("*.md") if p.name != "index.md" and "zoho-" in p.as_posix()
    )


@pytest.mark.xdist_group("benchmark-sites")  # built once, on one worker
@pytest.mark.parametrize("variant", ["ours", "plain"])
def test_both_benchmark_sites_build_strictly(benchmark_sites: Path, variant: str) -> None:
    pages = how_to_pages(benchmark_sites / variant)
    assert len(pages) == PAGES
    for page in pages:
        built = page.relative_to(benchmark_sites / variant / "docs").with_suffix("")
        assert (benchmark_sites / variant / "site" / built / "index.html").is_file()


@pytest.mark.xdist_group("benchmark-sites")  # built once, on one worker
@pytest.mark.parametrize("variant", ["ours", "plain"])
def test_the_size_breakdown_accounts_for_every_byte(benchmark_sites: Path, variant: str) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from breakdown import breakdown

    site = benchmark_sites / variant / "site"
    result = breakdown(site, PAGES)
    files = [path for path in site.rglob("*") if path.is_file()]
    assert result.total == sum(path.stat().st_size for path in files)
    # Every how-to's article and navigation were found, and the files sorted into their parts.
    assert result.parts["article"] > PAGES * 2000 and result.parts["navigation"] > PAGES * 500
    assert result.parts["search index"] == (site / "search" / "search_index.json").stat().st_size
    assert result.parts["Markdown copies"] == sum(p.stat().st_size for p in site.rglob("*.md"))
    assert (result.parts["sources.json"] > 0) == (variant == "ours")


@pytest.mark.xdist_group("benchmark-sites")  # built once, on one worker
def test_the_benchmark_site_passes_check_strict(benchmark_sites: Path) -> None:
    """The benchmark measures a site a writer could publish: `check --strict` finds nothing."""
    report = check_site(benchmark_sites / "ours")
    assert [str(p) for p in report.problems if p.severity != "info"] == []


@pytest.mark.xdist_group("benchmark-sites")  # built once, on one worker
def test_the_two_sites_show_the_same_citations(benchmark_sites: Path) -> None:
    """Same page, same number of cited sources: ours from records, plain from footnotes."""
    for page in how_to_pages(benchmark_sites / "ours"):
        built = page.relative_to(benchmark_sites / "ours" / "docs").with_suffix("") / "index.html"
        ours = BeautifulSoup((benchmark_sites / "ours/site" / built).read_text(), "html.parser")
        plain = BeautifulSoup((benchmark_sites / "plain/site" / built).read_text(), "html.parser")
        entries = ours.select("article ol.bh-sources > li")
        assert 3 <= len(entries) <= 10
        assert len(entries) == len(plain.select("article div.footnote li"))
        assert ours.select_one("article div.highlight code") is not None


@pytest.mark.xdist_group("benchmark-sites")  # built once, on one worker
def test_plain_pages_render_without_jinja_exactly_as_with_it(benchmark_sites: Path) -> None:
    """The fast path (no Jinja compile for text plus plain macro calls) changes nothing."""
    for root in (ROOT, benchmark_sites / "ours"):
        settings = read_settings(root)
        records, _ = load_records(root, settings.sources)
        fast = PageRenderer(records, settings.products)
        jinja = PageRenderer(records, settings.products, always_jinja=True)
        for page in sorted((root / settings.docs_dir).rglob("*.md")):
            path, source = page.relative_to(root).as_posix(), page.read_text(encoding="utf-8")
            assert_same(fast.render(path, source), jinja.render(path, source))


# Pages that sit on the edge between the fast path and Jinja, citing the base fixture's records
# (KNOWN must exist there, so that no case quietly turns into an unknown-source case).
FIXTURE = ROOT / "tests" / "fixtures" / "_base"
KNOWN = ["demo.get-job", "demo.statuses", "demo.wait"]
TRICKY = [
    '{{ cite("demo.get-job") }}',
    '{{{ cite("demo.get-job") }}',  # Jinja starts the tag at the first '{'
    '{{- cite("demo.get-job") }}',
    "{{ cite('demo.get-job', \"demo.get-jbo\") }} text }}",
    '{{ cite("demo.get-job") }}\r\nline two {{ cite("nope") }}',
    '{% raw %}{{ cite("x") }}{% endraw %} {{ cite("demo.get-job") }}',
    '{## note ##}{{ endpoint("demo.get-job", "extra") }}',
    '{{ fact("demo.statuses", "nope") }} {{ cite() }} {{ cite(x) }}',
    'text\n{{ code("demo.wait") }} after',
    '1. step\n\n    {{ code("demo.wait") }}\n',
    '## Common pitfalls\n\n- **a.** uncited\n- **b.** {{ cite("demo.get-job") }}\n',
    '{{ cite("a\\"b") }} {{ scopes("demo.get-job") }}',
]


@pytest.fixture(scope="module")
def fixture_records():
    records, problems = load_records(FIXTURE)
    assert problems == []
    return records


def test_the_tricky_pages_cite_records_that_exist(fixture_records) -> None:
    assert [record_id for record_id in KNOWN if record_id not in fixture_records] == []
    named = set(re.findall(r"demo\.[a-z.-]+", " ".join(TRICKY)))
    assert named - set(KNOWN) == {"demo.get-jbo"}, "only the deliberate typo may be unknown"


@pytest.mark.parametrize("body", TRICKY)
def test_tricky_pages_render_the_same_either_way(body: str, fixture_records) -> None:
    products = {"demo": "Demo Product"}
    front = "---\ntitle: T\ntype: how-to\nproduct: demo\nsummary: S\n---\n"
    for source in (body, front + body):
        assert_same(
            PageRenderer(fixture_records, products).render("docs/x.md", source),
            PageRenderer(fixture_records, products, always_jinja=True).render("docs/x.md", source),
        )


def assert_same(fast, jinja) -> None:
    assert fast.markdown == jinja.markdown
    assert [str(p) for p in fast.problems] == [str(p) for p in jinja.problems]
    assert fast.citations.uses == jinja.citations.uses
    assert fast.meta == jinja.meta


def _size_result(run, pages: int, ours_s: float, plain_s: float, ours_kb: float):
    from measure import SiteSize

    result = run.SizeResult(pages=pages, records=pages * 3)
    result.seconds = {"ours": [ours_s], "plain": [plain_s]}
    result.peak_mb = {"ours": [390.0], "plain": [200.0]}
    result.check_seconds = {"cold": [3.0], "unchanged": [0.5], "one edit": [0.6]}
    result.sizes = {
        variant: SiteSize(int(kb * 1024 * pages), pages, 0, 0)
        for variant, kb in (("ours", ours_kb), ("plain", 70.0))
    }
    return result


def test_the_benchmark_judges_each_target_of_the_performance_issue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """run.py prints met or MISSED for every target, at the issue's limits, and times the preview
    target with the flags dev.py serve runs."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run
    from preview import Preview

    import dev

    results = [
        _size_result(run, 300, 3.0, 3.0, 48.0),
        _size_result(run, 1000, 10.6, 10.0, 49.0),  # 1.06: over 1.05
        # per page 1.11 times 300's (over 1.1); 52 KB a how-to, a 152 MB site
        _size_result(run, 3000, 33.3, 32.0, 52.0),
    ]
    previews = [
        Preview("mkdocs serve " + " ".join(dev.SERVE_FLAGS), 20.0, [1.0, 1.5, 2.5]),
        Preview("mkdocs serve --livereload", 25.0, [24.0, 26.0]),
    ]
    run.print_targets(results, previews)
    verdicts = {}
    for line in capsys.readouterr().out.splitlines():
        verdict, _, rest = line.strip().partition(" ")
        if verdict in ("met", "MISSED"):
            verdicts[rest.strip().split(": ", 1)[0]] = verdict
    assert verdicts == {
        "build time ours/plain at 300 <= 1.05": "met",
        "build time ours/plain at 1,000 <= 1.05": "MISSED",
        "build time ours/plain at 3,000 <= 1.05": "met",
        "check at 1,000 < 1 s (unchanged)": "met",
        "check at 1,000 < 1 s (one edit)": "met",
        "ms/page at 3,000 over 300 <= 1.1": "MISSED",
        "ms/page at 3,000 over 300 <= 1.1 (plain, for comparison)": "met",
        "output/page at 3,000 over 300 <= 1.1": "met",
        "output per how-to at 3,000 <= 50 KB": "MISSED",
        "site at 3,000 < 150 MB": "MISSED",
        "peak memory at 3,000 < 400 MB": "met",
        f"preview after one edit < 2 s with `mkdocs serve {' '.join(dev.SERVE_FLAGS)}` "
        "(dev.py serve)": "met",
    }
