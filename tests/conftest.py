"""Where the test reports are.

``fixtures/samples`` holds copies of the real reports of ``../shared/corpus``
with their hand-verified ``NAME.expected.json``, so that a fresh clone tests
on its own; ``test_samples_are_the_shared_corpus`` keeps the copies honest.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SAMPLES = FIXTURES / "samples"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def sample_reports() -> list[Path]:
    """Every bundled real report that has an expected record."""
    return sorted(p for p in SAMPLES.iterdir()
                  if not p.name.endswith(".expected.json") and expected_path(p).exists())


def expected_path(report: Path) -> Path:
    return report.with_name(report.name.split(".")[0] + ".expected.json")
