#!/usr/bin/env python3
"""Checks a Pinpoint-compatible server with boto3. Starts nothing; exits non-zero on any wrong answer.

Usage: python3 check_boto3.py --endpoint-url http://127.0.0.1:8080
"""
import argparse
import sys
import uuid

import boto3
from botocore.config import Config

FAILURES = []


def check(cond, what):
    if cond:
        print("ok   ", what)
    else:
        print("FAIL ", what)
        FAILURES.append(what)
    return cond


def expect_error(fn, exc_type, what, **kwargs):
    try:
        fn(**kwargs)
    except exc_type as e:
        err = e.response.get("Error", {})
        meta = e.response.get("ResponseMetadata", {})
        check(bool(meta.get("RequestId")) and bool(err.get("Message")),
              what + " (%s, Message and RequestId present)" % type(e).__name__)
        return e
    except Exception as e:  # noqa: BLE001
        check(False, what + " (got %r instead of %s)" % (e, exc_type.__name__))
        return None
    check(False, what + " (no error raised, expected %s)" % exc_type.__name__)
    return None


def status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def ids(items):
    return [e["Id"] for e in items]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    args = ap.parse_args()

    c = boto3.client(
        "pinpoint", endpoint_url=args.endpoint_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        # the server deliberately throttles (429) now and then: let botocore retry
        config=Config(retries={"mode": "standard", "max_attempts": 6}),
    )
    ex = c.exceptions
    tag = uuid.uuid4().hex[:8]

    # ---- application -----------------------------------------------------------------------
    r = c.create_app(CreateApplicationRequest={"Name": "check-" + tag})
    check(status(r) == 201, "create_app answers 201")
    app = r["ApplicationResponse"]
    app_id = app["Id"]
    check(app["Name"] == "check-" + tag and app_id and app["Arn"].endswith(app_id),
          "create_app returns Id, Arn, Name")
    check("tags" not in app, "create_app without tags omits tags")
    r = c.get_app(ApplicationId=app_id)
    check(status(r) == 200 and r["ApplicationResponse"]["Id"] == app_id, "get_app finds the app")
    r = c.create_app(CreateApplicationRequest={"Name": "tagged-" + tag, "tags": {"k": "v"}})
    app2_id = r["ApplicationResponse"]["Id"]
    check(r["ApplicationResponse"].get("tags") == {"k": "v"}, "create_app keeps tags")

    # ---- endpoints: single -----------------------------------------------------------------
    u1 = "user-1-" + tag
    u2 = "user-2-" + tag
    weird_user = "we/ird %user?#&+=;ü日本%2F" + tag
    r = c.update_endpoint(ApplicationId=app_id, EndpointId="ep-1", EndpointRequest={
        "ChannelType": "EMAIL", "Address": "one@example.com",
        "Attributes": {"interests": ["science", "music"]},
        "Demographic": {"Platform": "ios", "Timezone": "America/Los_Angeles"},
        "Location": {"City": "Seattle", "Country": "US", "Latitude": 47.6, "Longitude": -122.3},
        "Metrics": {"sessions": 3.0},
        "OptOut": "NONE",
        "User": {"UserId": u1, "UserAttributes": {"plan": ["free"]}},
    })
    check(status(r) == 202, "update_endpoint answers 202")
    check(bool(r["MessageBody"].get("RequestID")), "update_endpoint returns a MessageBody")
    r = c.update_endpoint(ApplicationId=app_id, EndpointId="ep-2", EndpointRequest={
        "ChannelType": "SMS", "Address": "+12065550100", "User": {"UserId": u1}})
    check(status(r) == 202, "update_endpoint (second endpoint of user 1)")

    # ---- endpoints: batch ------------------------------------------------------------------
    r = c.update_endpoints_batch(ApplicationId=app_id, EndpointBatchRequest={"Item": [
        {"Id": "ep-3", "ChannelType": "GCM", "Address": "token-3", "User": {"UserId": u2}},
        {"Id": "ep-4", "ChannelType": "APNS", "Address": "token-4", "User": {"UserId": u2}},
        {"Id": "ep-5", "ChannelType": "EMAIL", "Address": "five@example.com",
         "User": {"UserId": u1}},
        {"Id": "ep/6 %?#ü", "ChannelType": "EMAIL", "Address": "six@example.com",
         "User": {"UserId": weird_user}},
    ]})
    check(status(r) == 202 and "MessageBody" in r, "update_endpoints_batch answers 202 + MessageBody")

    # ---- get_endpoint ----------------------------------------------------------------------
    r = c.get_endpoint(ApplicationId=app_id, EndpointId="ep-1")
    e = r["EndpointResponse"]
    check(status(r) == 200, "get_endpoint answers 200")
    check(e.get("Id") == "ep-1" and e.get("ApplicationId") == app_id, "get_endpoint: Id, ApplicationId")
    check(e.get("Address") == "one@example.com" and e.get("ChannelType") == "EMAIL",
          "get_endpoint: Address, ChannelType")
    check(e.get("Attributes") == {"interests": ["science", "music"]}, "get_endpoint: Attributes")
    check(e.get("Demographic") == {"Platform": "ios", "Timezone": "America/Los_Angeles"},
          "get_endpoint: Demographic")
    check(e.get("Location", {}).get("City") == "Seattle" and e["Location"].get("Latitude") == 47.6,
          "get_endpoint: Location")
    check(e.get("Metrics") == {"sessions": 3.0}, "get_endpoint: Metrics")
    check(e.get("User") == {"UserId": u1, "UserAttributes": {"plan": ["free"]}}, "get_endpoint: User")
    check(e.get("EndpointStatus") == "ACTIVE" and e.get("OptOut") == "NONE",
          "get_endpoint: EndpointStatus ACTIVE, OptOut")
    check(all(e.get(k) for k in ("CreationDate", "EffectiveDate", "RequestId", "CohortId")),
          "get_endpoint: server-set CreationDate, EffectiveDate, RequestId, CohortId")
    check(0 <= int(e["CohortId"]) <= 99, "get_endpoint: CohortId in 0..99")
    r = c.get_endpoint(ApplicationId=app_id, EndpointId="ep-2")
    check("Attributes" not in r["EndpointResponse"] and "Location" not in r["EndpointResponse"]
          and "OptOut" not in r["EndpointResponse"],
          "get_endpoint: members never written are omitted")
    r = c.get_endpoint(ApplicationId=app_id, EndpointId="EP-1")
    check(r["EndpointResponse"]["Id"] == "ep-1", "endpoint IDs are case-insensitive")
    r = c.get_endpoint(ApplicationId=app_id, EndpointId="ep/6 %?#ü")
    check(r["EndpointResponse"]["Id"] == "ep/6 %?#ü", "endpoint ID with / % ? # space ü round-trips")

    # update merges attributes
    c.update_endpoint(ApplicationId=app_id, EndpointId="ep-1", EndpointRequest={
        "Attributes": {"interests": ["travel"], "color": ["red"]}})
    e = c.get_endpoint(ApplicationId=app_id, EndpointId="ep-1")["EndpointResponse"]
    check(e.get("Attributes") == {"interests": ["travel"], "color": ["red"]}
          and e.get("Address") == "one@example.com" and e["User"]["UserId"] == u1,
          "update_endpoint replaces given attributes and keeps the rest")

    # ---- get_user_endpoints ----------------------------------------------------------------
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u1)
    check(status(r) == 200, "get_user_endpoints answers 200")
    items = r["EndpointsResponse"]["Item"]
    check(ids(items) == ["ep-5", "ep-2", "ep-1"], "get_user_endpoints user 1: newest first (%s)" % ids(items))
    check(all(i["User"]["UserId"] == u1 and i["ApplicationId"] == app_id for i in items),
          "get_user_endpoints user 1: every item belongs to the user")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u2)
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-4", "ep-3"], "get_user_endpoints user 2")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=weird_user)
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep/6 %?#ü"]
          and r["EndpointsResponse"]["Item"][0]["User"]["UserId"] == weird_user,
          "user ID with / % ? # space & non-ASCII round-trips")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u1.upper())
    check(r["EndpointsResponse"]["Item"] == [], "user IDs are case-sensitive")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId="nobody-" + tag)
    check(status(r) == 200 and r["EndpointsResponse"]["Item"] == [],
          "get_user_endpoints for a user without endpoints: 200, empty Item")
    r = c.get_user_endpoints(ApplicationId=app2_id, UserId=u1)
    check(r["EndpointsResponse"]["Item"] == [], "users are per application")

    # moving an endpoint to another user
    c.update_endpoint(ApplicationId=app_id, EndpointId="ep-2", EndpointRequest={"User": {"UserId": u2}})
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u2)
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-4", "ep-3", "ep-2"],
          "endpoint moved to user 2 (order by creation kept)")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u1)
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-5", "ep-1"], "endpoint left user 1")

    # ---- delete_user_endpoints -------------------------------------------------------------
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=u1)
    check(status(r) == 202, "delete_user_endpoints answers 202")
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-5", "ep-1"],
          "delete_user_endpoints returns the deleted endpoints")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u1)
    check(r["EndpointsResponse"]["Item"] == [], "user 1 has no endpoints any more")
    expect_error(c.get_endpoint, ex.NotFoundException, "deleted endpoint is gone",
                 ApplicationId=app_id, EndpointId="ep-1")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=u2)
    check(len(r["EndpointsResponse"]["Item"]) == 3, "user 2's endpoints untouched")
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=u1)
    check(status(r) == 202 and r["EndpointsResponse"]["Item"] == [],
          "delete_user_endpoints again: 202, empty Item")
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=weird_user)
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep/6 %?#ü"], "delete_user_endpoints with odd user ID")

    # ---- delete_endpoint -------------------------------------------------------------------
    r = c.delete_endpoint(ApplicationId=app_id, EndpointId="ep-3")
    check(status(r) == 202 and r["EndpointResponse"]["Id"] == "ep-3",
          "delete_endpoint answers 202 with the endpoint")

    # ---- typed errors ----------------------------------------------------------------------
    missing_app = "0" * 32
    expect_error(c.get_app, ex.NotFoundException, "get_app unknown application", ApplicationId=missing_app)
    expect_error(c.get_user_endpoints, ex.NotFoundException, "get_user_endpoints unknown application",
                 ApplicationId=missing_app, UserId=u2)
    expect_error(c.delete_user_endpoints, ex.NotFoundException,
                 "delete_user_endpoints unknown application", ApplicationId=missing_app, UserId=u2)
    expect_error(c.update_endpoint, ex.NotFoundException, "update_endpoint unknown application",
                 ApplicationId=missing_app, EndpointId="x", EndpointRequest={})
    expect_error(c.update_endpoints_batch, ex.NotFoundException,
                 "update_endpoints_batch unknown application",
                 ApplicationId=missing_app, EndpointBatchRequest={"Item": []})
    expect_error(c.get_endpoint, ex.NotFoundException, "get_endpoint unknown endpoint",
                 ApplicationId=app_id, EndpointId="no-such-endpoint")
    expect_error(c.delete_endpoint, ex.NotFoundException, "delete_endpoint unknown endpoint",
                 ApplicationId=app_id, EndpointId="no-such-endpoint")
    expect_error(c.update_endpoints_batch, ex.BadRequestException, "batch of 101 items",
                 ApplicationId=app_id,
                 EndpointBatchRequest={"Item": [{"Id": "b%d" % i} for i in range(101)]})
    expect_error(c.update_endpoint, ex.BadRequestException, "invalid ChannelType",
                 ApplicationId=app_id, EndpointId="bad", EndpointRequest={"ChannelType": "PIGEON"})
    expect_error(c.update_endpoint, ex.BadRequestException, "endpoint ID with $",
                 ApplicationId=app_id, EndpointId="a$b", EndpointRequest={})
    expect_error(c.create_app, ex.BadRequestException, "create_app with empty Name",
                 CreateApplicationRequest={"Name": ""})

    # ---- clean up --------------------------------------------------------------------------
    r = c.delete_app(ApplicationId=app_id)
    check(status(r) == 200 and r["ApplicationResponse"]["Id"] == app_id, "delete_app answers 200")
    c.delete_app(ApplicationId=app2_id)
    expect_error(c.get_app, ex.NotFoundException, "deleted app is gone", ApplicationId=app_id)
    expect_error(c.get_user_endpoints, ex.NotFoundException, "endpoints of a deleted app are gone",
                 ApplicationId=app_id, UserId=u2)

    print()
    if FAILURES:
        print("%d check(s) FAILED" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
