"""The layout engine that PDF text layers and OCR'd scans share: from characters with boxes and the
ruling lines a page draws to the one Document form (table grids with spans, running text).

- :mod:`.geometry` — the shapes: characters, lines of text, ruling lines.
- :mod:`.ruling` — ruling lines to table grids.
- :mod:`.tables` — a ruled grid filled with its cells' text, as a piece of a table.
- :mod:`.words` — tables printed without ruling, rebuilt from where each word sits.
- :mod:`.stitch` — one table from its pieces on consecutive pages.
- :mod:`.labels` — the form's labels as the engine compares them with what a page prints.
- :mod:`.settings` — the tolerances of all of the above, one validated object passed down to each step.

A reader feeds it (:mod:`..pdf_page` from pdfium, :mod:`..ocr` from an image); a
future OFD reader would too.
"""
