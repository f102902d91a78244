"""What became of each entry of a batch (a form's one, an import's thousand, a lab's list of results): the one
outcome type every batch service returns, so imports and pages read them alike."""

from __future__ import annotations

from dataclasses import dataclass

from fangkong.errors import InputRefused


@dataclass
class Outcome:
    """What became of one entry of a batch: stored, a repeat of an earlier one, or refused."""

    record: object | None = None
    created: bool = False
    repeated: bool = False
    refused: InputRefused | None = None
