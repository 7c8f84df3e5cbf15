"""pinpoint-conformance: the OpenAPI contract, a conformance suite and a reference server for
Amazon Pinpoint's User resource (`/v1/apps/{application-id}/users/{user-id}`)."""

__version__ = "0.1.0"
