"""Judge a written document: accessibility, layout, colour contrast and package soundness."""
