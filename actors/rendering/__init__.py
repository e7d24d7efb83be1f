"""Renderers for files jobs produce (finding aids, reports).

Imports nothing: WeasyPrint helper processes load only pdf_workers and what it needs."""
