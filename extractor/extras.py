"""Optional dependencies: one clear line naming the extra to install, never an ImportError.

``pip install xxgk`` runs the main job (parse, build the dataset, export CSV,
Parquet, JSON Lines and Stata, write the review). Some features need more,
installed as extras: ``excel`` (openpyxl, the XLSX export), ``cluster`` (Dask,
``build --scheduler``), ``crawl`` (warcio, ``crawl --warc``).
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtra

__all__ = ["require"]


def require(module: str, extra: str, feature: str) -> ModuleType:
    """The module, imported; or MissingExtra saying which extra ``feature`` needs."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(f"{feature} needs the {module} package: pip install 'xxgk[{extra}]'") from exc
