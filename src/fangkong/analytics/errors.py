"""The one refusal of the estimators: which argument is wrong and why, in plain words."""


class BadSeries(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
