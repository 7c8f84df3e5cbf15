"""The round trip every generated client makes against a live server, as data: the drivers (one
per generator, in this folder) read it as JSON and answer with what their typed models held.

User IDs with `/`, a space, `+` and non-ASCII letters must reach the server percent-encoded and
come back unchanged. The `varied-` user and the `lowercase-` user are answered by the variance
server (tests/spec/variance.py) as AWS may answer one day or through another front end: an
unknown ChannelType, CohortId "100", null members, a new member; an error whose text is in
`message` instead of `Message`.
"""

from __future__ import annotations

from typing import Any

UNUSUAL_USERS = {"team/alice": "ep-slash", "bob smith": "ep-space", "carol+dave": "ep-plus", "zoë-東京": "ep-unicode"}
VARIED_USER = "varied-1"
DELETED_USER = "team/alice"
LOWERCASE_USER = "lowercase-nobody"  # has no endpoints: the reference server answers 404
UNKNOWN_APP = "no-such-application"
NEW_CHANNEL = "A_CHANNEL_ADDED_LATER"


def scenario(base_url: str) -> dict[str, Any]:
    single_user = DELETED_USER
    batch = [{"Id": endpoint, "ChannelType": "SMS", "Address": "+12065550100", "User": {"UserId": user}}
             for user, endpoint in UNUSUAL_USERS.items() if user != single_user]  # fmt: skip
    batch.append({"Id": "ep-varied", "ChannelType": "GCM", "Address": "token-1", "User": {"UserId": VARIED_USER},
                  "Location": {"City": "Seattle", "Country": "US"}})  # fmt: skip
    return {
        "baseUrl": base_url,
        "appName": "generated-client",
        "single": {
            "endpointId": UNUSUAL_USERS[single_user],
            "channelType": "EMAIL",
            "address": "alice@example.com",
            "userId": single_user,
        },
        "batch": batch,
        "users": list(UNUSUAL_USERS),
        "variedUser": VARIED_USER,
        "deletedUser": DELETED_USER,
        "lowercaseUser": LOWERCASE_USER,
        "unknownApp": UNKNOWN_APP,
    }


def expected() -> dict[str, Any]:
    """What every driver must report."""
    not_found = {"status": 404, "type": "NotFoundException"}
    return {
        "listed": {user: {"ids": [endpoint], "userIds": [user]} for user, endpoint in UNUSUAL_USERS.items()},
        "varied": {
            "channelType": NEW_CHANNEL,
            "cohortId": "100",
            "address": None,
            "demographic": None,
            "city": "Seattle",
        },
        "deleted": [UNUSUAL_USERS[DELETED_USER]],
        "errors": {
            "afterDelete": {**not_found, "text": "Resource not found"},
            "lowercase": {**not_found, "text": "Resource not found"},
            "unknownApp": {**not_found, "text": "Application not found"},
        },
    }
