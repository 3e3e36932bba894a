"""A PowerPoint template engine: Jinja tags in slides, paragraphs, table rows and charts."""
