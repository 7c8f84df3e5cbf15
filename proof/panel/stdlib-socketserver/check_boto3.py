#!/usr/bin/env python3
"""Check a running Pinpoint-like server with boto3. Starts nothing.

Usage: python3 check_boto3.py --endpoint-url http://127.0.0.1:8080
Exits non-zero on the first wrong answer.
"""

import argparse
import sys
import uuid

import boto3
from botocore.config import Config

FAILURES = []


def check(cond, what):
    if cond:
        print("ok   - " + what)
    else:
        print("FAIL - " + what)
        FAILURES.append(what)
        raise SystemExit(finish())


def finish():
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


def expect_error(fn, exc_class, status, what, **kwargs):
    try:
        fn(**kwargs)
    except exc_class as e:
        meta = e.response.get("ResponseMetadata", {})
        check(meta.get("HTTPStatusCode") == status,
              "%s -> %s %d" % (what, exc_class.__name__, status))
        check(bool(meta.get("RequestId")), what + " has x-amzn-RequestId")
        check(isinstance(e.response.get("Error", {}).get("Message"), str),
              what + " has a Message")
        return
    except Exception as e:  # wrong exception type
        check(False, "%s raised %s instead of %s: %s"
              % (what, type(e).__name__, exc_class.__name__, e))
    check(False, "%s did not raise %s" % (what, exc_class.__name__))


def ids(items):
    return sorted(i["Id"] for i in items)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    args = ap.parse_args()

    c = boto3.client(
        "pinpoint", endpoint_url=args.endpoint_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}))
    ex = c.exceptions

    # --- application ------------------------------------------------------
    r = c.create_app(CreateApplicationRequest={"Name": "check-app",
                                               "tags": {"team": "qa"}})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 201, "CreateApp -> 201")
    check(bool(r["ResponseMetadata"].get("RequestId")),
          "CreateApp has x-amzn-RequestId")
    app = r["ApplicationResponse"]
    app_id = app["Id"]
    check(app["Name"] == "check-app" and app["Arn"].endswith(app_id)
          and app.get("tags") == {"team": "qa"}, "CreateApp returns the app")
    r = c.get_app(ApplicationId=app_id)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 200
          and r["ApplicationResponse"]["Id"] == app_id, "GetApp -> 200")
    r = c.get_apps()
    check(app_id in [a["Id"] for a in r["ApplicationsResponse"]["Item"]],
          "GetApps lists the app")

    try:
        # --- endpoints: single ---------------------------------------------
        r = c.update_endpoint(
            ApplicationId=app_id, EndpointId="alice-phone",
            EndpointRequest={
                "ChannelType": "SMS", "Address": "+12065550100",
                "Attributes": {"Interests": ["Science", "Music"]},
                "Demographic": {"Platform": "ios", "Timezone": "America/Los_Angeles"},
                "Location": {"City": "Seattle", "Country": "US",
                             "Latitude": 47.6, "Longitude": -122.3},
                "Metrics": {"sessions": 3},
                "OptOut": "NONE",
                "User": {"UserId": "alice",
                         "UserAttributes": {"Plan": ["pro"]}},
            })
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 202,
              "UpdateEndpoint -> 202")
        check("MessageBody" in r and "RequestID" in r["MessageBody"],
              "UpdateEndpoint returns a MessageBody")
        c.update_endpoint(
            ApplicationId=app_id, EndpointId="alice-mail",
            EndpointRequest={"ChannelType": "EMAIL",
                             "Address": "alice@example.com",
                             "User": {"UserId": "alice"}})

        # --- endpoints: batch -----------------------------------------------
        r = c.update_endpoints_batch(
            ApplicationId=app_id,
            EndpointBatchRequest={"Item": [
                {"Id": "bob-1", "ChannelType": "EMAIL",
                 "Address": "bob@example.com", "User": {"UserId": "bob"}},
                {"Id": "bob-2", "ChannelType": "GCM", "Address": "token-bob",
                 "User": {"UserId": "bob"}},
                {"Id": "carol-1", "ChannelType": "APNS",
                 "Address": "token-carol", "User": {"UserId": "carol"}},
                {"Id": "nobody-1", "ChannelType": "EMAIL",
                 "Address": "anon@example.com"},
            ]})
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 202,
              "UpdateEndpointsBatch -> 202")
        check("MessageBody" in r, "UpdateEndpointsBatch returns a MessageBody")

        # --- GetEndpoint ----------------------------------------------------
        r = c.get_endpoint(ApplicationId=app_id, EndpointId="alice-phone")
        ep = r["EndpointResponse"]
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 200,
              "GetEndpoint -> 200")
        check(ep["Id"] == "alice-phone" and ep["ApplicationId"] == app_id
              and ep["ChannelType"] == "SMS" and ep["Address"] == "+12065550100"
              and ep["User"]["UserId"] == "alice"
              and ep["Attributes"] == {"Interests": ["Science", "Music"]}
              and ep["Location"]["City"] == "Seattle"
              and ep["Metrics"] == {"sessions": 3.0}
              and ep["EndpointStatus"] == "ACTIVE"
              and ep.get("CreationDate") and ep.get("EffectiveDate"),
              "GetEndpoint returns what was written")
        # endpoint IDs are case-insensitive
        r = c.get_endpoint(ApplicationId=app_id, EndpointId="ALICE-PHONE")
        check(r["EndpointResponse"]["Id"] == "alice-phone",
              "GetEndpoint with other case finds the endpoint")

        # partial update keeps other attributes, overwrites the named one
        c.update_endpoint(ApplicationId=app_id, EndpointId="alice-phone",
                          EndpointRequest={"Attributes": {"Interests": ["Travel"]}})
        ep = c.get_endpoint(ApplicationId=app_id,
                            EndpointId="alice-phone")["EndpointResponse"]
        check(ep["Attributes"] == {"Interests": ["Travel"]}
              and ep["Address"] == "+12065550100"
              and ep["User"]["UserId"] == "alice",
              "UpdateEndpoint merges into the existing endpoint")

        # --- GetUserEndpoints -----------------------------------------------
        r = c.get_user_endpoints(ApplicationId=app_id, UserId="alice")
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 200,
              "GetUserEndpoints -> 200")
        check(ids(r["EndpointsResponse"]["Item"]) == ["alice-mail", "alice-phone"],
              "GetUserEndpoints(alice) -> alice's two endpoints")
        check(all(e["User"]["UserId"] == "alice"
                  for e in r["EndpointsResponse"]["Item"]),
              "every returned endpoint belongs to alice")
        r = c.get_user_endpoints(ApplicationId=app_id, UserId="bob")
        check(ids(r["EndpointsResponse"]["Item"]) == ["bob-1", "bob-2"],
              "GetUserEndpoints(bob) -> bob's two batch endpoints")
        r = c.get_user_endpoints(ApplicationId=app_id, UserId="carol")
        check(ids(r["EndpointsResponse"]["Item"]) == ["carol-1"],
              "GetUserEndpoints(carol) -> one endpoint")
        r = c.get_user_endpoints(ApplicationId=app_id, UserId="Alice")
        check(r["EndpointsResponse"]["Item"] == [],
              "user IDs are case-sensitive (Alice has none)")
        r = c.get_user_endpoints(ApplicationId=app_id, UserId="no-such-user")
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 200
              and r["EndpointsResponse"]["Item"] == [],
              "GetUserEndpoints of a user without endpoints -> 200, empty Item")
        # user ID with characters that need percent-encoding
        odd_user = "ü/ser ?#%&+"
        c.update_endpoint(ApplicationId=app_id, EndpointId="odd-1",
                          EndpointRequest={"Address": "odd@example.com",
                                           "ChannelType": "EMAIL",
                                           "User": {"UserId": odd_user}})
        r = c.get_user_endpoints(ApplicationId=app_id, UserId=odd_user)
        check(ids(r["EndpointsResponse"]["Item"]) == ["odd-1"],
              "GetUserEndpoints with a percent-encoded user ID")

        # moving an endpoint to another user
        c.update_endpoint(ApplicationId=app_id, EndpointId="carol-1",
                          EndpointRequest={"User": {"UserId": "dave"}})
        check(c.get_user_endpoints(ApplicationId=app_id, UserId="carol")
              ["EndpointsResponse"]["Item"] == [],
              "endpoint moved away from carol")
        check(ids(c.get_user_endpoints(ApplicationId=app_id, UserId="dave")
                  ["EndpointsResponse"]["Item"]) == ["carol-1"],
              "endpoint moved to dave")

        # --- DeleteUserEndpoints --------------------------------------------
        r = c.delete_user_endpoints(ApplicationId=app_id, UserId="bob")
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 202,
              "DeleteUserEndpoints -> 202")
        check(ids(r["EndpointsResponse"]["Item"]) == ["bob-1", "bob-2"],
              "DeleteUserEndpoints returns the deleted endpoints")
        check(c.get_user_endpoints(ApplicationId=app_id, UserId="bob")
              ["EndpointsResponse"]["Item"] == [],
              "bob has no endpoints after DeleteUserEndpoints")
        expect_error(c.get_endpoint, ex.NotFoundException, 404,
                     "GetEndpoint of a deleted user's endpoint",
                     ApplicationId=app_id, EndpointId="bob-1")
        check(ids(c.get_user_endpoints(ApplicationId=app_id, UserId="alice")
                  ["EndpointsResponse"]["Item"]) == ["alice-mail", "alice-phone"],
              "other users' endpoints are untouched")
        c.get_endpoint(ApplicationId=app_id, EndpointId="nobody-1")
        check(True, "endpoint without user untouched")
        r = c.delete_user_endpoints(ApplicationId=app_id, UserId="bob")
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 202
              and r["EndpointsResponse"]["Item"] == [],
              "DeleteUserEndpoints again -> 202, empty Item")

        # --- DeleteEndpoint -------------------------------------------------
        r = c.delete_endpoint(ApplicationId=app_id, EndpointId="alice-mail")
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 202
              and r["EndpointResponse"]["Id"] == "alice-mail",
              "DeleteEndpoint -> 202 with the deleted endpoint")
        check(ids(c.get_user_endpoints(ApplicationId=app_id, UserId="alice")
                  ["EndpointsResponse"]["Item"]) == ["alice-phone"],
              "alice has one endpoint left")

        # --- typed errors ---------------------------------------------------
        unknown_app = uuid.uuid4().hex
        expect_error(c.get_app, ex.NotFoundException, 404,
                     "GetApp of an unknown application",
                     ApplicationId=unknown_app)
        expect_error(c.get_user_endpoints, ex.NotFoundException, 404,
                     "GetUserEndpoints in an unknown application",
                     ApplicationId=unknown_app, UserId="alice")
        expect_error(c.delete_user_endpoints, ex.NotFoundException, 404,
                     "DeleteUserEndpoints in an unknown application",
                     ApplicationId=unknown_app, UserId="alice")
        expect_error(c.update_endpoint, ex.NotFoundException, 404,
                     "UpdateEndpoint in an unknown application",
                     ApplicationId=unknown_app, EndpointId="e",
                     EndpointRequest={"Address": "x"})
        expect_error(c.update_endpoints_batch, ex.NotFoundException, 404,
                     "UpdateEndpointsBatch in an unknown application",
                     ApplicationId=unknown_app,
                     EndpointBatchRequest={"Item": [{"Id": "e"}]})
        expect_error(c.get_endpoint, ex.NotFoundException, 404,
                     "GetEndpoint of an unknown endpoint",
                     ApplicationId=app_id, EndpointId="no-such-endpoint")
        expect_error(c.delete_endpoint, ex.NotFoundException, 404,
                     "DeleteEndpoint of an unknown endpoint",
                     ApplicationId=app_id, EndpointId="no-such-endpoint")
        expect_error(c.get_user_endpoints, ex.BadRequestException, 400,
                     "GetUserEndpoints with a 2,000-character user ID",
                     ApplicationId=app_id, UserId="u" * 2000)
        expect_error(c.get_user_endpoints, ex.BadRequestException, 400,
                     "GetUserEndpoints with a control character in the user ID",
                     ApplicationId=app_id, UserId="a\x01b")
        expect_error(c.update_endpoint, ex.BadRequestException, 400,
                     "UpdateEndpoint with an unknown ChannelType",
                     ApplicationId=app_id, EndpointId="e1",
                     EndpointRequest={"ChannelType": "PIGEON"})
        expect_error(c.update_endpoint, ex.BadRequestException, 400,
                     "UpdateEndpoint with an endpoint ID containing '{'",
                     ApplicationId=app_id, EndpointId="a{b}",
                     EndpointRequest={"Address": "x"})
        expect_error(c.update_endpoints_batch, ex.BadRequestException, 400,
                     "UpdateEndpointsBatch with 101 items",
                     ApplicationId=app_id,
                     EndpointBatchRequest={"Item": [{"Id": "e%d" % i}
                                                    for i in range(101)]})
        expect_error(c.create_app, ex.BadRequestException, 400,
                     "CreateApp with an empty Name",
                     CreateApplicationRequest={"Name": ""})
    finally:
        # --- clean up -----------------------------------------------------
        r = c.delete_app(ApplicationId=app_id)
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 200
              and r["ApplicationResponse"]["Id"] == app_id,
              "DeleteApp -> 200 with the application")
        expect_error(c.get_app, ex.NotFoundException, 404,
                     "GetApp after DeleteApp", ApplicationId=app_id)
        expect_error(c.get_user_endpoints, ex.NotFoundException, 404,
                     "GetUserEndpoints after DeleteApp",
                     ApplicationId=app_id, UserId="alice")

    return finish()


if __name__ == "__main__":
    sys.exit(main())
