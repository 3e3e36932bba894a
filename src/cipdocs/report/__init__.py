"""Pure: the model, its figures, and what the templates see."""
