"""What the readers hand on: one article, or the reason a record could not be read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ArticleRecord:
    body: str
    where: str  # FILE:LINE, for messages
    headline: str = ""
    subject: str = ""
    published: dt.date | None = None
    url: str = ""
    external_id: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class RejectedRecord:
    where: str  # FILE:LINE
    reason: str

    def __str__(self):
        return f"{self.where}: {self.reason}"
