"""AWS's error shapes, as the reference server answers them.

Every error is a `MessageBody` (`Message`, `RequestID`) with `x-amzn-ErrorType` naming the
exception, so that botocore's rest-json parser raises the typed exception
(`client.exceptions.NotFoundException` and so on).
"""

from __future__ import annotations

from http import HTTPStatus

# Exception name by status, from the `errors` of GetUserEndpoints in AWS's model.
EXCEPTION_BY_STATUS: dict[int, str] = {
    400: "BadRequestException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    413: "PayloadTooLargeException",
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
}


class ApiError(Exception):
    """An error the server answers with a documented status and a `MessageBody`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        if status not in EXCEPTION_BY_STATUS:
            raise ValueError(f"{status} is not a documented error status")
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    @property
    def error_type(self) -> str:
        return EXCEPTION_BY_STATUS[self.status]


def bad_request(message: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, message)


def not_found(message: str = "Resource not found") -> ApiError:
    return ApiError(HTTPStatus.NOT_FOUND, message)
