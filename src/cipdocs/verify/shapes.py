"""What every check shares: the finding it reports, and which placeholders are titles."""

from __future__ import annotations

from dataclasses import dataclass

TITLE_TYPES = ("title", "ctrTitle")


@dataclass(frozen=True)
class Finding:
    """One accessibility or layout problem, with its slide, shape and the fix."""

    slide: int
    shape: str
    """The shape's name, or empty for the slide as a whole."""
    rule: str
    """``title``, ``unique title``, ``alt text``, ``header row``, ``contrast``,
    ``past the slide`` or ``overlap``."""
    message: str

    def __str__(self) -> str:
        where = f"slide {self.slide}" + (f", shape {self.shape!r}" if self.shape else "")
        return f"{where}: {self.message}"

    @property
    def key(self) -> tuple[str, str]:
        """Return what identifies the finding whatever slide it is on and whatever text filled
        it: the rule and the shape."""
        return self.rule, self.shape
