#!/usr/bin/env python3
"""Check a running Pinpoint-compatible server with boto3. Starts nothing.

usage: python3 check_boto3.py --endpoint-url http://127.0.0.1:8080
Exits 0 if every check passes, 1 otherwise.
"""
import argparse
import sys
import uuid

import boto3
from botocore.config import Config

FAILURES = []


def check(cond, what):
    if cond:
        print(f"ok    {what}")
    else:
        print(f"FAIL  {what}")
        FAILURES.append(what)


def expect_error(client, exc_name, status, what, fn, *args, **kwargs):
    exc = getattr(client.exceptions, exc_name)
    try:
        fn(*args, **kwargs)
    except exc as e:
        meta = e.response.get("ResponseMetadata", {})
        check(meta.get("HTTPStatusCode") == status, f"{what}: {exc_name} with HTTP {status}")
        check(bool(e.response.get("Error", {}).get("Message")), f"{what}: error has a Message")
        check(bool(meta.get("RequestId")), f"{what}: x-amzn-RequestId present")
        return e
    except Exception as e:  # wrong exception type
        check(False, f"{what}: expected {exc_name}, got {type(e).__name__}: {e}")
        return None
    check(False, f"{what}: expected {exc_name}, call succeeded")
    return None


def ids(items):
    return sorted(i["Id"] for i in items)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    args = ap.parse_args()

    client = boto3.client(
        "pinpoint",
        endpoint_url=args.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )

    # --- CreateApp / GetApp -------------------------------------------------
    name = f"check-{uuid.uuid4().hex[:8]}"
    r = client.create_app(CreateApplicationRequest={"Name": name, "tags": {"team": "qa"}})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 201, "create_app returns 201")
    app = r["ApplicationResponse"]
    app_id = app["Id"]
    check(app["Name"] == name and app_id and app["Arn"].endswith(app_id), "create_app returns Id, Arn, Name")
    check(app.get("tags") == {"team": "qa"}, "create_app returns tags")
    r = client.get_app(ApplicationId=app_id)
    check(r["ApplicationResponse"]["Id"] == app_id and r["ApplicationResponse"]["Name"] == name, "get_app")
    r = client.get_apps()
    check(app_id in [a["Id"] for a in r["ApplicationsResponse"].get("Item", [])], "get_apps lists the app")

    # --- UpdateEndpoint (single) --------------------------------------------
    eff = "2024-05-06T07:08:09.123Z"
    r = client.update_endpoint(
        ApplicationId=app_id,
        EndpointId="ep-alice-1",
        EndpointRequest={
            "ChannelType": "EMAIL",
            "Address": "alice@example.com",
            "EffectiveDate": eff,
            "OptOut": "NONE",
            "Attributes": {"interests": ["science", "music"]},
            "Metrics": {"score": 4.5},
            "Demographic": {"Platform": "iOS", "Timezone": "America/Los_Angeles"},
            "Location": {"City": "Seattle", "Country": "US"},
            "User": {"UserId": "alice", "UserAttributes": {"plan": ["gold"]}},
        },
    )
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "update_endpoint returns 202")
    check("MessageBody" in r, "update_endpoint returns a MessageBody")
    client.update_endpoint(
        ApplicationId=app_id,
        EndpointId="ep-alice-2",
        EndpointRequest={"ChannelType": "SMS", "Address": "+12065550100", "User": {"UserId": "alice"}},
    )

    r = client.get_endpoint(ApplicationId=app_id, EndpointId="ep-alice-1")
    ep = r["EndpointResponse"]
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, "get_endpoint returns 200")
    check(ep.get("Id") == "ep-alice-1" and ep.get("ApplicationId") == app_id, "get_endpoint Id and ApplicationId")
    check(ep.get("Address") == "alice@example.com" and ep.get("ChannelType") == "EMAIL", "get_endpoint Address/ChannelType")
    check(ep.get("EffectiveDate") == eff, "EffectiveDate returned exactly as written")
    check(ep.get("Attributes") == {"interests": ["science", "music"]}, "get_endpoint Attributes")
    check(ep.get("Metrics") == {"score": 4.5}, "get_endpoint Metrics")
    check(ep.get("Demographic", {}).get("Platform") == "iOS", "get_endpoint Demographic")
    check(ep.get("User") == {"UserId": "alice", "UserAttributes": {"plan": ["gold"]}}, "get_endpoint User")
    check(ep.get("CreationDate") and ep.get("CohortId") is not None, "get_endpoint CreationDate and CohortId")
    check(ep.get("CohortId", "").isdigit() and 0 <= int(ep["CohortId"]) <= 99, "CohortId is 0-99")
    check(ep.get("EndpointStatus") == "ACTIVE", "EndpointStatus ACTIVE")

    # endpoint IDs are case insensitive
    r = client.get_endpoint(ApplicationId=app_id, EndpointId="EP-ALICE-1")
    check(r["EndpointResponse"].get("Address") == "alice@example.com", "endpoint ID lookup is case insensitive")

    # update merges: attribute replaced, other fields kept
    client.update_endpoint(
        ApplicationId=app_id,
        EndpointId="ep-alice-1",
        EndpointRequest={"Attributes": {"interests": ["travel"]}},
    )
    ep2 = client.get_endpoint(ApplicationId=app_id, EndpointId="ep-alice-1")["EndpointResponse"]
    check(ep2.get("Attributes") == {"interests": ["travel"]}, "update replaces attribute values")
    check(ep2.get("Address") == "alice@example.com" and ep2.get("User", {}).get("UserId") == "alice",
          "update keeps unspecified fields")
    check(ep2.get("CreationDate") == ep.get("CreationDate"), "update keeps CreationDate")

    # --- UpdateEndpointsBatch -----------------------------------------------
    r = client.update_endpoints_batch(
        ApplicationId=app_id,
        EndpointBatchRequest={
            "Item": [
                {"Id": "ep-bob-1", "ChannelType": "GCM", "Address": "tok-bob-1", "User": {"UserId": "bob"}},
                {"Id": "ep-bob-2", "ChannelType": "APNS", "Address": "tok-bob-2", "User": {"UserId": "bob"}},
                {"Id": "ep-carol-1", "ChannelType": "EMAIL", "Address": "carol@example.com",
                 "User": {"UserId": "carol/ü ?&"}},
                {"Id": "ep-nouser", "ChannelType": "EMAIL", "Address": "nobody@example.com"},
            ]
        },
    )
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "update_endpoints_batch returns 202")
    check("MessageBody" in r, "update_endpoints_batch returns a MessageBody")

    # --- GetUserEndpoints ---------------------------------------------------
    r = client.get_user_endpoints(ApplicationId=app_id, UserId="alice")
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, "get_user_endpoints returns 200")
    items = r["EndpointsResponse"]["Item"]
    check(ids(items) == ["ep-alice-1", "ep-alice-2"], "get_user_endpoints(alice) returns her 2 endpoints")
    check(all(i.get("User", {}).get("UserId") == "alice" for i in items), "every item belongs to alice")
    check(all(i.get("ApplicationId") == app_id for i in items), "every item has the ApplicationId")
    r = client.get_user_endpoints(ApplicationId=app_id, UserId="bob")
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-bob-1", "ep-bob-2"], "get_user_endpoints(bob) from batch")
    r = client.get_user_endpoints(ApplicationId=app_id, UserId="carol/ü ?&")
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-carol-1"], "user ID with / ü space ? & round-trips")

    # user IDs are case sensitive
    expect_error(client, "NotFoundException", 404, "get_user_endpoints(ALICE)",
                 client.get_user_endpoints, ApplicationId=app_id, UserId="ALICE")
    # a user with no endpoints
    expect_error(client, "NotFoundException", 404, "get_user_endpoints(unknown user)",
                 client.get_user_endpoints, ApplicationId=app_id, UserId="nobody-" + uuid.uuid4().hex)
    expect_error(client, "NotFoundException", 404, "delete_user_endpoints(unknown user)",
                 client.delete_user_endpoints, ApplicationId=app_id, UserId="nobody-" + uuid.uuid4().hex)

    # --- DeleteUserEndpoints ------------------------------------------------
    r = client.delete_user_endpoints(ApplicationId=app_id, UserId="bob")
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "delete_user_endpoints returns 202")
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-bob-1", "ep-bob-2"], "delete_user_endpoints returns deleted items")
    expect_error(client, "NotFoundException", 404, "get_user_endpoints(bob) after delete",
                 client.get_user_endpoints, ApplicationId=app_id, UserId="bob")
    expect_error(client, "NotFoundException", 404, "get_endpoint(ep-bob-1) after delete_user_endpoints",
                 client.get_endpoint, ApplicationId=app_id, EndpointId="ep-bob-1")
    r = client.get_user_endpoints(ApplicationId=app_id, UserId="alice")
    check(len(r["EndpointsResponse"]["Item"]) == 2, "alice's endpoints untouched by deleting bob's")
    r = client.get_endpoint(ApplicationId=app_id, EndpointId="ep-nouser")
    check(r["EndpointResponse"]["Id"] == "ep-nouser", "endpoint without user untouched")

    # --- DeleteEndpoint -----------------------------------------------------
    r = client.delete_endpoint(ApplicationId=app_id, EndpointId="ep-alice-2")
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "delete_endpoint returns 202")
    check(r["EndpointResponse"].get("Id") == "ep-alice-2", "delete_endpoint returns the endpoint")
    r = client.get_user_endpoints(ApplicationId=app_id, UserId="alice")
    check(ids(r["EndpointsResponse"]["Item"]) == ["ep-alice-1"], "alice has 1 endpoint after delete_endpoint")

    # --- typed errors -------------------------------------------------------
    missing_app = uuid.uuid4().hex
    expect_error(client, "NotFoundException", 404, "get_app(unknown app)", client.get_app, ApplicationId=missing_app)
    expect_error(client, "NotFoundException", 404, "get_user_endpoints(unknown app)",
                 client.get_user_endpoints, ApplicationId=missing_app, UserId="alice")
    expect_error(client, "NotFoundException", 404, "delete_user_endpoints(unknown app)",
                 client.delete_user_endpoints, ApplicationId=missing_app, UserId="alice")
    expect_error(client, "NotFoundException", 404, "update_endpoint(unknown app)",
                 client.update_endpoint, ApplicationId=missing_app, EndpointId="e1",
                 EndpointRequest={"Address": "x@example.com", "ChannelType": "EMAIL"})
    expect_error(client, "NotFoundException", 404, "update_endpoints_batch(unknown app)",
                 client.update_endpoints_batch, ApplicationId=missing_app,
                 EndpointBatchRequest={"Item": [{"Id": "e1"}]})
    expect_error(client, "NotFoundException", 404, "get_endpoint(unknown endpoint)",
                 client.get_endpoint, ApplicationId=app_id, EndpointId="no-such-endpoint")
    expect_error(client, "NotFoundException", 404, "delete_endpoint(unknown endpoint)",
                 client.delete_endpoint, ApplicationId=app_id, EndpointId="no-such-endpoint")
    expect_error(client, "BadRequestException", 400, "update_endpoint(bad ChannelType)",
                 client.update_endpoint, ApplicationId=app_id, EndpointId="e1",
                 EndpointRequest={"ChannelType": "PIGEON"})
    expect_error(client, "BadRequestException", 400, "update_endpoint(EndpointId with $)",
                 client.update_endpoint, ApplicationId=app_id, EndpointId="bad$id",
                 EndpointRequest={"Address": "x"})
    expect_error(client, "BadRequestException", 400, "update_endpoints_batch(item without Id)",
                 client.update_endpoints_batch, ApplicationId=app_id,
                 EndpointBatchRequest={"Item": [{"Address": "x"}]})

    # --- clean up -----------------------------------------------------------
    client.delete_user_endpoints(ApplicationId=app_id, UserId="alice")
    client.delete_user_endpoints(ApplicationId=app_id, UserId="carol/ü ?&")
    client.delete_endpoint(ApplicationId=app_id, EndpointId="ep-nouser")
    r = client.delete_app(ApplicationId=app_id)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200 and r["ApplicationResponse"]["Id"] == app_id,
          "delete_app returns 200 and the app")
    expect_error(client, "NotFoundException", 404, "get_app after delete_app", client.get_app, ApplicationId=app_id)

    print()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) FAILED")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # an unexpected exception is a wrong answer too
        print(f"FAIL  unexpected {type(e).__name__}: {e}")
        sys.exit(1)
