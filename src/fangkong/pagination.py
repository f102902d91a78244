"""The one paginator of every API list, and a queryset view for it that maps only the rows of the page it hands out."""

from collections.abc import Callable

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 10**7  # far beyond any list; keeps the offset a number every database takes


class Pages(PageNumberPagination):
    """ninja's page numbers, bounded: a page beyond MAX_PAGE is refused (422 naming `page`), not a server error."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)


class MappedPage:
    """Count and slice like a queryset; each slice is turned into response dicts by `to_dict`.

    `on_page`, when given, is called with the rows of each handed-out page (e.g. to audit them),
    so work is done for the page a client gets, never for the whole list.
    """

    def __init__(self, queryset, to_dict: Callable, on_page: Callable | None = None):
        self.queryset, self.to_dict, self.on_page = queryset, to_dict, on_page

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        rows = list(self.queryset[item])
        if self.on_page:
            self.on_page(rows)
        return [self.to_dict(row) for row in rows]
