"""pinpoint-conformance: the OpenAPI contract, a conformance suite and a reference server for
Amazon Pinpoint's User resource (`/v1/apps/{application-id}/users/{user-id}`)."""

from pathlib import Path

__version__ = "0.1.0"


def suite_dir() -> Path:
    """The suite's folder of numbered check files: `pinpoint_conformance/suite/` in an installed wheel,
    `conformance/` at the top of the repository in an editable install."""
    here = Path(__file__).resolve().parent
    installed = here / "suite"
    return installed if installed.is_dir() else here.parent.parent / "conformance"
