"""Zip and Open Packaging safety that reading the workbook and writing documents both use."""
