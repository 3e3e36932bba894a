"""Renderers: the only modules that touch python-pptx, python-docx, docxtpl and LibreOffice."""
