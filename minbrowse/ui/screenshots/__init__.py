"""Repeatable SVG screenshots on a fixed in-process fake backend (`python -m minbrowse.ui.screenshots DIR`)."""
