#!/usr/bin/env python3
"""Exercise a Pinpoint-compatible server with boto3. Starts nothing; exits non-zero on any wrong answer.

usage: python3 check_boto3.py --endpoint-url http://127.0.0.1:8080
"""
import argparse
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

FAILURES = []


def check(cond, what):
    if cond:
        print("ok   ", what)
    else:
        print("FAIL ", what)
        FAILURES.append(what)


def expect_error(fn, code, what, status=None):
    try:
        fn()
    except ClientError as e:
        got = e.response.get("Error", {}).get("Code")
        st = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        body_ok = bool(e.response.get("Error", {}).get("Message"))
        ok = got == code and (status is None or st == status) and body_ok
        check(ok, f"{what}: {code} (got {got} {st}, message={e.response.get('Error', {}).get('Message')!r})")
        return e
    check(False, f"{what}: expected {code}, call succeeded")
    return None


def make_client(url, total_attempts):
    return boto3.client(
        "pinpoint", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": total_attempts}),
    )


def ids_of(resp):
    return sorted(item["Id"] for item in resp["EndpointsResponse"]["Item"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    args = ap.parse_args()
    # The server throttles every 150th request; the standard retry mode retries those transparently.
    c = make_client(args.endpoint_url, 6)

    # ---------------------------------------------------------------- apps
    r = c.create_app(CreateApplicationRequest={"Name": "check-app", "tags": {"team": "qa"}})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 201, "create_app returns 201")
    check(bool(r["ResponseMetadata"].get("RequestId")), "x-amzn-RequestId present")
    app = r["ApplicationResponse"]
    app_id = app["Id"]
    check(app["Name"] == "check-app" and app["tags"] == {"team": "qa"} and app_id in app["Arn"],
          "create_app returns Name, tags, Arn")
    other_app_id = c.create_app(CreateApplicationRequest={"Name": "other-app"})["ApplicationResponse"]["Id"]

    g = c.get_app(ApplicationId=app_id)["ApplicationResponse"]
    check(g["Id"] == app_id and g["Name"] == "check-app", "get_app round-trips")
    apps = c.get_apps()["ApplicationsResponse"]["Item"]
    check({app_id, other_app_id} <= {a["Id"] for a in apps}, "get_apps lists both apps")

    # ----------------------------------------------------------- endpoints
    weird_users = [
        "user/with/slash", "pct%25?and#hash", "space user", "ünïcödé-用户-🎉", "plus+sign&amp=1",
        "..", "~tilde;semi:colon@at", "a" * 2000,
    ]
    alice = "alice-" + uuid.uuid4().hex[:6]
    bob = "bob"

    # single writes
    r = c.update_endpoint(ApplicationId=app_id, EndpointId="alice-phone", EndpointRequest={
        "Address": "+12065550100", "ChannelType": "SMS",
        "Attributes": {"Interests": ["Science", "Music"]},
        "Demographic": {"Platform": "ios", "Timezone": "America/Los_Angeles"},
        "Location": {"City": "Seattle", "Country": "US", "Latitude": 47.6, "Longitude": -122.3},
        "Metrics": {"sessions": 3},
        "OptOut": "NONE",
        "User": {"UserId": alice, "UserAttributes": {"Tier": ["gold"]}},
    })
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "update_endpoint returns 202")
    check(bool(r["MessageBody"].get("RequestID")), "update_endpoint returns a MessageBody")
    c.update_endpoint(ApplicationId=app_id, EndpointId="alice-mail", EndpointRequest={
        "Address": "alice@example.com", "ChannelType": "EMAIL", "User": {"UserId": alice}})
    for i, u in enumerate(weird_users):
        c.update_endpoint(ApplicationId=app_id, EndpointId=f"weird-{i}", EndpointRequest={
            "Address": f"w{i}@example.com", "ChannelType": "EMAIL", "User": {"UserId": u}})

    # batch writes
    r = c.update_endpoints_batch(ApplicationId=app_id, EndpointBatchRequest={"Item": [
        {"Id": "bob-1", "Address": "bob1@example.com", "ChannelType": "EMAIL", "User": {"UserId": bob}},
        {"Id": "bob-2", "Address": "tok-bob-2", "ChannelType": "GCM", "User": {"UserId": bob}},
        {"Id": "carol-1", "Address": "carol@example.com", "ChannelType": "EMAIL", "User": {"UserId": "carol"}},
        {"Id": "alice-tablet", "Address": "tok-alice", "ChannelType": "APNS", "User": {"UserId": alice}},
    ]})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "update_endpoints_batch returns 202")
    # same user ID in another app must not leak
    c.update_endpoint(ApplicationId=other_app_id, EndpointId="bob-elsewhere", EndpointRequest={
        "Address": "bob-other@example.com", "ChannelType": "EMAIL", "User": {"UserId": bob}})

    # ------------------------------------------------------ get_user_endpoints
    r = c.get_user_endpoints(ApplicationId=app_id, UserId=alice)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, "get_user_endpoints returns 200")
    check(ids_of(r) == ["alice-mail", "alice-phone", "alice-tablet"], f"alice has 3 endpoints: {ids_of(r)}")
    phone = [e for e in r["EndpointsResponse"]["Item"] if e["Id"] == "alice-phone"][0]
    check(phone["Address"] == "+12065550100" and phone["ChannelType"] == "SMS", "endpoint Address/ChannelType")
    check(phone["ApplicationId"] == app_id, "endpoint ApplicationId")
    check(phone["Attributes"] == {"Interests": ["Science", "Music"]}, "endpoint Attributes")
    check(phone["Demographic"] == {"Platform": "ios", "Timezone": "America/Los_Angeles"}, "endpoint Demographic")
    check(phone["Location"]["City"] == "Seattle" and phone["Location"]["Latitude"] == 47.6, "endpoint Location")
    check(phone["Metrics"] == {"sessions": 3.0}, "endpoint Metrics")
    check(phone["OptOut"] == "NONE" and phone["EndpointStatus"] == "ACTIVE", "endpoint OptOut/EndpointStatus")
    check(phone["User"] == {"UserId": alice, "UserAttributes": {"Tier": ["gold"]}}, "endpoint User")
    check(0 <= int(phone["CohortId"]) <= 99 and phone["CreationDate"] and phone["EffectiveDate"],
          "endpoint CohortId/CreationDate/EffectiveDate")

    r = c.get_user_endpoints(ApplicationId=app_id, UserId=bob)
    check(ids_of(r) == ["bob-1", "bob-2"], f"bob has 2 endpoints in app 1: {ids_of(r)}")
    r = c.get_user_endpoints(ApplicationId=other_app_id, UserId=bob)
    check(ids_of(r) == ["bob-elsewhere"], "bob has 1 endpoint in app 2")
    for i, u in enumerate(weird_users):
        r = c.get_user_endpoints(ApplicationId=app_id, UserId=u)
        items = r["EndpointsResponse"]["Item"]
        check(len(items) == 1 and items[0]["Id"] == f"weird-{i}" and items[0]["User"]["UserId"] == u,
              f"user ID round-trips exactly: {u[:40]!r}")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId="Bob")
    check(ids_of(r) == [], "user IDs are case-sensitive (Bob has none)")
    r = c.get_user_endpoints(ApplicationId=app_id, UserId="nobody-" + uuid.uuid4().hex)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200 and ids_of(r) == [],
          "user without endpoints: 200 with empty Item")

    # -------------------------------------------------- update semantics
    c.update_endpoint(ApplicationId=app_id, EndpointId="alice-phone", EndpointRequest={
        "Attributes": {"Colors": ["red"]}, "User": {"UserAttributes": {"Tier": ["platinum"]}}})
    e = c.get_endpoint(ApplicationId=app_id, EndpointId="alice-phone")["EndpointResponse"]
    check(e["Attributes"] == {"Interests": ["Science", "Music"], "Colors": ["red"]}
          and e["User"] == {"UserId": alice, "UserAttributes": {"Tier": ["platinum"]}}
          and e["Address"] == "+12065550100",
          "update_endpoint merges: new attribute added, given values overwritten, others kept")
    e2 = c.get_endpoint(ApplicationId=app_id, EndpointId="ALICE-PHONE")["EndpointResponse"]
    check(e2["Id"] == "alice-phone", "endpoint IDs are case-insensitive")
    # move carol's endpoint to dave
    c.update_endpoint(ApplicationId=app_id, EndpointId="carol-1", EndpointRequest={"User": {"UserId": "dave"}})
    check(ids_of(c.get_user_endpoints(ApplicationId=app_id, UserId="carol")) == [], "carol lost carol-1")
    check(ids_of(c.get_user_endpoints(ApplicationId=app_id, UserId="dave")) == ["carol-1"], "dave got carol-1")

    # ---------------------------------------------------- delete_user_endpoints
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=alice)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "delete_user_endpoints returns 202")
    check(ids_of(r) == ["alice-mail", "alice-phone", "alice-tablet"], "delete_user_endpoints returns deleted endpoints")
    check(ids_of(c.get_user_endpoints(ApplicationId=app_id, UserId=alice)) == [], "alice has no endpoints after delete")
    expect_error(lambda: c.get_endpoint(ApplicationId=app_id, EndpointId="alice-phone"),
                 "NotFoundException", "deleted endpoint is gone", 404)
    check(ids_of(c.get_user_endpoints(ApplicationId=app_id, UserId=bob)) == ["bob-1", "bob-2"],
          "bob's endpoints untouched")
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=alice)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202 and ids_of(r) == [],
          "delete_user_endpoints again: 202 with empty Item")
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId="user/with/slash")
    check(ids_of(r) == ["weird-0"], "delete_user_endpoints with percent-encoded '/' in user ID")

    # ------------------------------------------------------- delete_endpoint
    r = c.delete_endpoint(ApplicationId=app_id, EndpointId="bob-2")
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202 and r["EndpointResponse"]["Id"] == "bob-2",
          "delete_endpoint returns 202 and the endpoint")
    check(ids_of(c.get_user_endpoints(ApplicationId=app_id, UserId=bob)) == ["bob-1"], "bob has 1 endpoint left")

    # ---------------------------------------------------------- typed errors
    missing_app = "0" * 32
    expect_error(lambda: c.get_app(ApplicationId=missing_app), "NotFoundException", "get_app unknown app", 404)
    expect_error(lambda: c.get_user_endpoints(ApplicationId=missing_app, UserId=bob),
                 "NotFoundException", "get_user_endpoints unknown app", 404)
    expect_error(lambda: c.delete_user_endpoints(ApplicationId=missing_app, UserId=bob),
                 "NotFoundException", "delete_user_endpoints unknown app", 404)
    expect_error(lambda: c.update_endpoint(ApplicationId=missing_app, EndpointId="x", EndpointRequest={}),
                 "NotFoundException", "update_endpoint unknown app", 404)
    expect_error(lambda: c.update_endpoints_batch(ApplicationId=missing_app,
                                                  EndpointBatchRequest={"Item": [{"Id": "x"}]}),
                 "NotFoundException", "update_endpoints_batch unknown app", 404)
    expect_error(lambda: c.get_endpoint(ApplicationId=app_id, EndpointId="no-such-endpoint"),
                 "NotFoundException", "get_endpoint unknown endpoint", 404)
    expect_error(lambda: c.delete_endpoint(ApplicationId=app_id, EndpointId="no-such-endpoint"),
                 "NotFoundException", "delete_endpoint unknown endpoint", 404)
    e = expect_error(lambda: c.get_user_endpoints(ApplicationId=app_id, UserId="bad\x01user"),
                     "BadRequestException", "control character in user ID", 400)
    expect_error(lambda: c.get_endpoint(ApplicationId=app_id, EndpointId="bad\x7fendpoint"),
                 "BadRequestException", "control character in endpoint ID", 400)
    expect_error(lambda: c.update_endpoint(ApplicationId=app_id, EndpointId="x{y}", EndpointRequest={}),
                 "BadRequestException", "'{' in endpoint ID", 400)
    expect_error(lambda: c.update_endpoint(ApplicationId=app_id, EndpointId="x",
                                           EndpointRequest={"ChannelType": "PIGEON"}),
                 "BadRequestException", "invalid ChannelType", 400)
    expect_error(lambda: c.update_endpoints_batch(ApplicationId=app_id, EndpointBatchRequest={
        "Item": [{"Id": f"b{i}"} for i in range(101)]}), "BadRequestException", "batch of 101 items", 400)
    check(isinstance(c.exceptions.NotFoundException, type), "client.exceptions.NotFoundException exists")
    try:
        c.get_app(ApplicationId=missing_app)
        check(False, "typed exception class raised")
    except c.exceptions.NotFoundException as ex:
        check(ex.response["Error"]["Message"] != "", "client.exceptions.NotFoundException raised with Message")

    # ------------------------------------------------------------ throttling
    nc = make_client(args.endpoint_url, 1)  # no retries
    throttled = []
    for _ in range(150):
        try:
            nc.get_app(ApplicationId=app_id)
        except nc.exceptions.TooManyRequestsException as ex:
            throttled.append(ex)
    check(len(throttled) == 1, f"exactly one of 150 consecutive requests is throttled (got {len(throttled)})")
    if throttled:
        md = throttled[0].response["ResponseMetadata"]
        check(md["HTTPStatusCode"] == 429 and md["HTTPHeaders"].get("retry-after") == "1",
              "throttled answer is 429 with Retry-After: 1")

    # --------------------------------------------------------------- cleanup
    for a in (app_id, other_app_id):
        r = c.delete_app(ApplicationId=a)
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 200 and r["ApplicationResponse"]["Id"] == a,
              "delete_app returns 200 and the app")
    expect_error(lambda: c.get_app(ApplicationId=app_id), "NotFoundException", "deleted app is gone", 404)
    expect_error(lambda: c.get_user_endpoints(ApplicationId=app_id, UserId=bob),
                 "NotFoundException", "users of a deleted app are gone", 404)

    print()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) FAILED")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
