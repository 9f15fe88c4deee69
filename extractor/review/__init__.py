"""The review site (``xxgk report``): a folder of plain HTML pages a reviewer opens from disk.

``site`` reads the dataset and writes the folder; ``overview``, ``report_pages``
and ``body_pages`` render its three kinds of page from plain data; ``form`` lays
a report's table out as the official form, ``crops`` cuts the PDF page around
it, ``charts`` draws inline SVG, ``markup`` escapes, ``paths`` names the files.
"""
from .site import write_site

__all__ = ["write_site"]
