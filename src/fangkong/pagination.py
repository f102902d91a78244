"""A queryset view for ninja's paginator that maps only the rows of the page it hands out."""

from collections.abc import Callable


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
