"""The words people use for a choice, defined once next to it and read the same way by forms, the API and imports.

    TRAVEL_MODES = Words(TravelMode, {TravelMode.TRAIN: ("火车", "高铁", "动车"), ...})
    TRAVEL_MODES.value("高铁") == "train"; TRAVEL_MODES.value("train") == "train"; TRAVEL_MODES.value("骑马") is None

The first word of each choice is the one a template's drop-down list offers.
"""

from __future__ import annotations

from django.db import models


def _normal(text: str) -> str:
    return "".join(str(text).split()).lower()


class Words:
    def __init__(self, choices: type[models.Choices], aliases: dict[str, tuple[str, ...]]):
        self.choices = choices
        self.aliases = aliases
        self._by_word = {_normal(value): value for value in choices.values}
        for value, words in aliases.items():
            self._by_word.update({_normal(word): value for word in words})

    def value(self, text) -> str | None:
        """The stored value a person's word means, or None when it means none of the choices."""
        return self._by_word.get(_normal(text or ""))

    @property
    def words(self) -> list[str]:
        """Every word accepted, each choice's main word first, as a sheet's drop-down list and a refusal name them."""
        return [word for words in self.aliases.values() for word in words]

    @property
    def main_words(self) -> list[str]:
        return [words[0] for words in self.aliases.values()]
