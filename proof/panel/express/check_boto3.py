#!/usr/bin/env python3
"""Checks a running Pinpoint User-resource server with boto3. Starts nothing.

usage: python3 check_boto3.py --endpoint-url http://127.0.0.1:8080
Exits 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import sys
import uuid

import boto3
from botocore.config import Config

FAILURES = []
PASSES = 0


def check(cond, what):
    global PASSES
    if cond:
        PASSES += 1
    else:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def expect_error(fn, exc_class, what, **kwargs):
    try:
        fn(**kwargs)
    except exc_class as e:
        meta = e.response.get("ResponseMetadata", {})
        check(bool(meta.get("RequestId")), f"{what}: error carries a request id")
        check("Message" in e.response.get("Error", {}) or e.response.get("Message") is not None,
              f"{what}: error has a message")
        return e
    except Exception as e:  # noqa: BLE001
        check(False, f"{what}: expected {exc_class.__name__}, got {type(e).__name__}: {e}")
        return None
    check(False, f"{what}: expected {exc_class.__name__}, got success")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    args = ap.parse_args()

    client = boto3.client(
        "pinpoint", endpoint_url=args.endpoint_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )
    raw = {}

    def keep_raw(http_response, model, **_):
        raw[model.name] = http_response.content
    client.meta.events.register("after-call.pinpoint", keep_raw)

    status = lambda r: r["ResponseMetadata"]["HTTPStatusCode"]  # noqa: E731

    # --- application ------------------------------------------------------
    r = client.create_app(CreateApplicationRequest={"Name": "check-boto3", "tags": {"team": "qa"}})
    check(status(r) == 201, "CreateApp answers 201")
    app = r["ApplicationResponse"]
    app_id = app["Id"]
    check(app["Name"] == "check-boto3" and app_id and app["Arn"], "CreateApp returns Id, Arn, Name")
    check(app.get("tags") == {"team": "qa"}, "CreateApp returns tags")
    check(bool(r["ResponseMetadata"].get("RequestId")), "x-amzn-RequestId on success")

    r = client.get_app(ApplicationId=app_id)
    check(status(r) == 200 and r["ApplicationResponse"]["Id"] == app_id, "GetApp returns the app")
    r = client.get_apps()
    check(any(a["Id"] == app_id for a in r["ApplicationsResponse"].get("Item", [])), "GetApps lists the app")

    try:
        # --- endpoints, single writes --------------------------------------
        odd_user = "ünï cöde/%?#&+ user"          # '/', '%', '?', '#', space, non-ASCII
        alice, bob = "alice-" + uuid.uuid4().hex[:6], "bob"
        singles = [
            ("ep-a1", alice, "EMAIL", "alice@example.com"),
            ("ep-a2", alice, "SMS", "+12065550100"),
            ("ep/odd %?#é", odd_user, "GCM", "token-odd"),
            ("ep-b1", bob, "APNS", "token-bob"),
        ]
        for ep_id, user, chan, addr in singles:
            r = client.update_endpoint(
                ApplicationId=app_id, EndpointId=ep_id,
                EndpointRequest={
                    "ChannelType": chan, "Address": addr,
                    "Attributes": {"interests": ["science", "music"]},
                    "Demographic": {"Platform": "ios", "Timezone": "America/Los_Angeles"},
                    "Location": {"Country": "US", "Latitude": 47.6, "Longitude": -122.3},
                    "Metrics": {"sessions": 3.0},
                    "User": {"UserId": user, "UserAttributes": {"plan": ["pro"]}},
                })
            check(status(r) == 202, f"UpdateEndpoint {ep_id!r} answers 202")
            check("RequestID" in r["MessageBody"] or "Message" in r["MessageBody"],
                  f"UpdateEndpoint {ep_id!r} returns a MessageBody")

        # --- endpoints, batch ------------------------------------------------
        r = client.update_endpoints_batch(ApplicationId=app_id, EndpointBatchRequest={"Item": [
            {"Id": "ep-c1", "ChannelType": "EMAIL", "Address": "carol@example.com",
             "User": {"UserId": "carol"}},
            {"Id": "ep-c2", "ChannelType": "SMS", "Address": "+12065550111",
             "User": {"UserId": "carol"}},
            {"Id": "ep-a3", "ChannelType": "ADM", "Address": "token-a3", "User": {"UserId": alice}},
        ]})
        check(status(r) == 202, "UpdateEndpointsBatch answers 202")

        # --- read back ---------------------------------------------------------
        r = client.get_endpoint(ApplicationId=app_id, EndpointId="ep-a1")
        ep = r["EndpointResponse"]
        check(status(r) == 200, "GetEndpoint answers 200")
        check(ep["Id"] == "ep-a1" and ep["ApplicationId"] == app_id, "GetEndpoint Id/ApplicationId")
        check(ep.get("ChannelType") == "EMAIL" and ep.get("Address") == "alice@example.com", "GetEndpoint channel/address")
        check(ep.get("Attributes") == {"interests": ["science", "music"]}, "GetEndpoint Attributes")
        check(ep.get("User", {}).get("UserAttributes") == {"plan": ["pro"]}, "GetEndpoint UserAttributes")
        check(ep.get("Location", {}).get("Latitude") == 47.6, "GetEndpoint Location")
        check(ep.get("Metrics") == {"sessions": 3.0}, "GetEndpoint Metrics")
        check(bool(ep.get("CreationDate")) and bool(ep.get("EffectiveDate")), "GetEndpoint dates")
        check("LastModifiedDate" in json.loads(raw["GetEndpoint"]), "EndpointResponse carries LastModifiedDate")

        r = client.get_endpoint(ApplicationId=app_id, EndpointId="EP-A1")
        check(r["EndpointResponse"]["Id"] == "ep-a1", "endpoint IDs are case-insensitive")

        r = client.get_endpoint(ApplicationId=app_id, EndpointId="ep/odd %?#é")
        check(r["EndpointResponse"]["Id"] == "ep/odd %?#é", "odd endpoint ID round-trips")
        check(r["EndpointResponse"]["User"]["UserId"] == odd_user, "odd user ID round-trips in body")

        # partial update keeps what it does not name
        client.update_endpoint(ApplicationId=app_id, EndpointId="ep-a2",
                               EndpointRequest={"Attributes": {"color": ["red"]}})
        ep = client.get_endpoint(ApplicationId=app_id, EndpointId="ep-a2")["EndpointResponse"]
        check(ep.get("Address") == "+12065550100" and ep["User"]["UserId"] == alice,
              "partial UpdateEndpoint keeps other members")
        check(ep.get("Attributes") == {"interests": ["science", "music"], "color": ["red"]},
              "UpdateEndpoint merges attribute names")

        r = client.get_user_endpoints(ApplicationId=app_id, UserId=alice)
        check(status(r) == 200, "GetUserEndpoints answers 200")
        ids = sorted(e["Id"] for e in r["EndpointsResponse"]["Item"])
        check(ids == ["ep-a1", "ep-a2", "ep-a3"], f"GetUserEndpoints(alice) lists her endpoints, got {ids}")
        check(all(e["User"]["UserId"] == alice and e["ApplicationId"] == app_id
                  for e in r["EndpointsResponse"]["Item"]), "GetUserEndpoints items belong to the user/app")
        check(all("LastModifiedDate" in e for e in json.loads(raw["GetUserEndpoints"])["Item"]),
              "GetUserEndpoints items carry LastModifiedDate")

        r = client.get_user_endpoints(ApplicationId=app_id, UserId="carol")
        check(sorted(e["Id"] for e in r["EndpointsResponse"]["Item"]) == ["ep-c1", "ep-c2"],
              "GetUserEndpoints(carol) lists batch-written endpoints")

        r = client.get_user_endpoints(ApplicationId=app_id, UserId=odd_user)
        check([e["Id"] for e in r["EndpointsResponse"]["Item"]] == ["ep/odd %?#é"],
              "GetUserEndpoints with an odd user ID (/, %, ?, #, space, non-ASCII)")

        r = client.get_user_endpoints(ApplicationId=app_id, UserId="ALICE-nope")
        check(status(r) == 200 and r["EndpointsResponse"]["Item"] == [],
              "GetUserEndpoints for a user without endpoints: 200, empty Item")

        # moving an endpoint to another user
        client.update_endpoint(ApplicationId=app_id, EndpointId="ep-b1",
                               EndpointRequest={"User": {"UserId": "carol"}})
        r = client.get_user_endpoints(ApplicationId=app_id, UserId=bob)
        check(r["EndpointsResponse"]["Item"] == [], "re-assigned endpoint leaves its old user")

        # --- delete a user's endpoints -------------------------------------------
        r = client.delete_user_endpoints(ApplicationId=app_id, UserId=alice)
        check(status(r) == 202, "DeleteUserEndpoints answers 202")
        ids = sorted(e["Id"] for e in r["EndpointsResponse"]["Item"])
        check(ids == ["ep-a1", "ep-a2", "ep-a3"], f"DeleteUserEndpoints returns the deleted endpoints, got {ids}")
        r = client.get_user_endpoints(ApplicationId=app_id, UserId=alice)
        check(r["EndpointsResponse"]["Item"] == [], "after DeleteUserEndpoints the user has no endpoints")
        expect_error(client.get_endpoint, client.exceptions.NotFoundException,
                     "GetEndpoint of a deleted user's endpoint", ApplicationId=app_id, EndpointId="ep-a1")
        r = client.get_user_endpoints(ApplicationId=app_id, UserId="carol")
        check(len(r["EndpointsResponse"]["Item"]) == 3, "other users' endpoints are untouched")

        r = client.delete_user_endpoints(ApplicationId=app_id, UserId="nobody-here")
        check(status(r) == 202 and r["EndpointsResponse"]["Item"] == [],
              "DeleteUserEndpoints for a user without endpoints: 202, empty Item")

        r = client.delete_user_endpoints(ApplicationId=app_id, UserId=odd_user)
        check([e["Id"] for e in r["EndpointsResponse"]["Item"]] == ["ep/odd %?#é"],
              "DeleteUserEndpoints with an odd user ID")

        # --- single delete ------------------------------------------------------
        r = client.delete_endpoint(ApplicationId=app_id, EndpointId="ep-c1")
        check(status(r) == 202 and r["EndpointResponse"]["Id"] == "ep-c1", "DeleteEndpoint answers 202 with the endpoint")

        # --- typed errors ---------------------------------------------------------
        missing_app = "0" * 32
        expect_error(client.get_user_endpoints, client.exceptions.NotFoundException,
                     "GetUserEndpoints on an unknown application", ApplicationId=missing_app, UserId="carol")
        expect_error(client.delete_user_endpoints, client.exceptions.NotFoundException,
                     "DeleteUserEndpoints on an unknown application", ApplicationId=missing_app, UserId="carol")
        expect_error(client.get_app, client.exceptions.NotFoundException,
                     "GetApp on an unknown application", ApplicationId=missing_app)
        expect_error(client.update_endpoint, client.exceptions.NotFoundException,
                     "UpdateEndpoint on an unknown application", ApplicationId=missing_app,
                     EndpointId="x", EndpointRequest={"Address": "a"})
        expect_error(client.get_endpoint, client.exceptions.NotFoundException,
                     "GetEndpoint of an unknown endpoint", ApplicationId=app_id, EndpointId="no-such-endpoint")
        expect_error(client.delete_endpoint, client.exceptions.NotFoundException,
                     "DeleteEndpoint of an unknown endpoint", ApplicationId=app_id, EndpointId="no-such-endpoint")
        expect_error(client.update_endpoint, client.exceptions.BadRequestException,
                     "UpdateEndpoint with '$' in the endpoint ID", ApplicationId=app_id,
                     EndpointId="bad$id", EndpointRequest={"Address": "a"})
        expect_error(client.update_endpoint, client.exceptions.BadRequestException,
                     "UpdateEndpoint with an unknown ChannelType", ApplicationId=app_id,
                     EndpointId="x", EndpointRequest={"ChannelType": "PIGEON"})
        expect_error(client.update_endpoints_batch, client.exceptions.BadRequestException,
                     "UpdateEndpointsBatch with more than 100 items", ApplicationId=app_id,
                     EndpointBatchRequest={"Item": [{"Id": f"e{i}"} for i in range(101)]})
    finally:
        # --- clean up -------------------------------------------------------------
        r = client.delete_app(ApplicationId=app_id)
        check(status(r) == 200 and r["ApplicationResponse"]["Id"] == app_id, "DeleteApp answers 200 with the app")
        expect_error(client.get_app, client.exceptions.NotFoundException,
                     "GetApp after DeleteApp", ApplicationId=app_id)
        expect_error(client.get_user_endpoints, client.exceptions.NotFoundException,
                     "GetUserEndpoints after DeleteApp", ApplicationId=app_id, UserId="carol")

    print(f"{PASSES} passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001
        print(f"FAIL: unexpected {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
