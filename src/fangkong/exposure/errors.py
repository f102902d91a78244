"""The one refusal of the matcher: which input (a file, a column, an option) is wrong and why, in plain words."""


class RefusedInput(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
