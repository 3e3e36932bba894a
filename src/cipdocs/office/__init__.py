"""LibreOffice: start it, convert documents to PDF, and slides to PNG previews."""
