"""The reference implementation of the User resource: the suite's embedded default target."""

from .app import FaultOptions, ReferenceServer, create_app
from .runner import RunningServer, serve, start_in_thread

__all__ = ["FaultOptions", "ReferenceServer", "RunningServer", "create_app", "serve", "start_in_thread"]
