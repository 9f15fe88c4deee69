"""Generated reports with known answers, for tests and the benchmark.

``values`` draws the numbers (consistent, or broken on purpose), ``printed``
decides how each number and label is printed under the report's drifts,
``layout`` lays the three tables out like the official form, and the
``render_*`` modules write that layout as HTML, DOCX and (via LibreOffice) PDF.
The form itself always comes from :mod:`extractor.template`.
"""
