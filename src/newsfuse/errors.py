"""The exception tree and the rejection codes of newsfuse.

    NewsfuseError
    ├── UsageError          bad arguments or options (exit code 2)
    ├── ConfigError         a setting that cannot work
    ├── StoreError
    │   ├── MigrationError  the store's schema cannot be brought up to date
    │   └── NotFound        no such event, article or store
    ├── IngestError
    │   ├── FetchError      an input could not be read
    │   └── ParseError      an input could not be understood
    └── StageError          a pipeline stage failed or was wired wrongly

Every message is a full sentence with a stable code; per-article problems are never raised
through a batch but returned as `Rejection` records with one of the `REJECT_*` codes below.
"""

from __future__ import annotations


class NewsfuseError(Exception):
    """Base of all newsfuse errors: a code, a sentence, and a hint on how to fix it."""

    code = "NF100"
    exit_code = 2

    def __init__(self, message: str, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code:
            self.code = code

    def __str__(self) -> str:
        text = f"Error [{self.code}]: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class UsageError(NewsfuseError):
    """The command line asks for something that cannot be done."""

    code = "NF101"


class ConfigError(NewsfuseError):
    """A setting is invalid."""

    code = "NF110"


class StoreError(NewsfuseError):
    """The store failed."""

    code = "NF200"


class MigrationError(StoreError):
    """The store's schema is newer than this newsfuse or a migration failed."""

    code = "NF202"


class NotFound(StoreError):
    """A requested store, event or article does not exist."""

    code = "NF201"


class IngestError(NewsfuseError):
    """An input could not be turned into articles."""

    code = "NF300"


class FetchError(IngestError):
    """An input could not be read."""

    code = "NF301"


class ParseError(IngestError):
    """An input could not be parsed."""

    code = "NF306"


class StageError(NewsfuseError):
    """A pipeline stage failed or the pipeline was built with a missing requirement."""

    code = "NF400"


# Rejection codes: stored with each refused article and shown by `newsfuse rejected`.
REJECT_UNREADABLE = "NF301"
REJECT_EMPTY = "NF302"
REJECT_BINARY = "NF303"
REJECT_TOO_LARGE = "NF304"
REJECT_NO_TEXT = "NF305"
REJECT_PARSE = "NF306"
REJECT_ID_CONFLICT = "NF307"
REJECT_UNSUPPORTED = "NF308"
REJECT_STAGE = "NF400"

REJECT_LABELS = {
    REJECT_UNREADABLE: "unreadable",
    REJECT_EMPTY: "empty",
    REJECT_BINARY: "binary",
    REJECT_TOO_LARGE: "too-large",
    REJECT_NO_TEXT: "no-text",
    REJECT_PARSE: "parse-error",
    REJECT_ID_CONFLICT: "id-conflict",
    REJECT_UNSUPPORTED: "unsupported",
    REJECT_STAGE: "stage-error",
    # Fetch refusals and failures of `newsfuse watch` (newsfuse.ingest.fetch).
    "NF311": "blocked",
    "NF312": "private-address",
    "NF313": "robots-disallowed",
    "NF314": "timeout",
    "NF315": "http-error",
    "NF316": "redirect-loop",
    "NF317": "unreachable",
    "NF318": "bad-url",
}
