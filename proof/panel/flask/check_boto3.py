#!/usr/bin/env python3
"""Exercise a running Pinpoint-compatible server with boto3. Starts nothing.

Usage: python3 check_boto3.py --endpoint-url http://127.0.0.1:8080
Exits non-zero on the first wrong answer.
"""

import argparse
import sys

import boto3
from botocore.config import Config

FAILURES = []
PASSED = [0]


def check(cond, what):
    if cond:
        PASSED[0] += 1
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}")
        FAILURES.append(what)
        raise SystemExit(finish())


def finish():
    print(f"{PASSED[0]} passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


def expect_error(client, exc_name, status, fn, what, **kwargs):
    exc_cls = getattr(client.exceptions, exc_name)
    try:
        fn(**kwargs)
    except exc_cls as e:
        resp = e.response
        check(resp["ResponseMetadata"]["HTTPStatusCode"] == status,
              f"{what}: HTTP {status}")
        check(resp["Error"]["Code"] == exc_name, f"{what}: error code {exc_name}")
        check(bool(resp["Error"].get("Message")), f"{what}: has a Message")
        check(bool(resp["ResponseMetadata"].get("RequestId")), f"{what}: has x-amzn-RequestId")
        return e
    except Exception as e:  # wrong exception type
        check(False, f"{what}: expected {exc_name}, got {type(e).__name__}: {e}")
    check(False, f"{what}: expected {exc_name}, got success")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    args = ap.parse_args()

    c = boto3.client(
        "pinpoint", endpoint_url=args.endpoint_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )

    # ---- application ---------------------------------------------------------------
    r = c.create_app(CreateApplicationRequest={"Name": "panel-check", "tags": {"k": "v"}})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 201, "create_app: 201")
    app = r["ApplicationResponse"]
    app_id = app["Id"]
    check(app["Name"] == "panel-check" and app_id and app["Arn"].endswith(app_id),
          "create_app: Id, Name, Arn")
    check(app.get("tags") == {"k": "v"}, "create_app: tags echoed")
    check(bool(r["ResponseMetadata"].get("RequestId")), "create_app: x-amzn-RequestId")

    r = c.get_app(ApplicationId=app_id)
    check(r["ApplicationResponse"]["Id"] == app_id, "get_app: same Id")
    r = c.get_apps()
    check(any(a["Id"] == app_id for a in r["ApplicationsResponse"]["Item"]), "get_apps lists it")

    # ---- endpoints of several users, with hostile-looking IDs ------------------------
    alice = "alice"
    bob = "bob/with slash %25 ?q #frag é ü 漢字 😀"
    carol = "carol+plus;semi:colon@at"
    ep_single = "ep-single/1 %?#é"
    r = c.update_endpoint(
        ApplicationId=app_id, EndpointId=ep_single,
        EndpointRequest={
            "ChannelType": "EMAIL", "Address": "alice@example.com",
            "Attributes": {"interests": ["science", "music"]},
            "Demographic": {"Platform": "ios", "Timezone": "Europe/Paris"},
            "Location": {"City": "Paris", "Country": "FR", "Latitude": 48.9, "Longitude": 2.3},
            "Metrics": {"score": 4.5},
            "OptOut": "NONE",
            "User": {"UserId": alice, "UserAttributes": {"tier": ["gold"]}},
        })
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "update_endpoint: 202")
    check("Message" in r["MessageBody"] and "RequestID" in r["MessageBody"],
          "update_endpoint: MessageBody")

    r = c.update_endpoints_batch(
        ApplicationId=app_id,
        EndpointBatchRequest={"Item": [
            {"Id": "ep-a2", "ChannelType": "SMS", "Address": "+12065550100",
             "User": {"UserId": alice}},
            {"Id": "ep-b1", "ChannelType": "GCM", "Address": "token-b1",
             "User": {"UserId": bob}},
            {"Id": "ep-b2/x y", "ChannelType": "APNS", "Address": "token-b2",
             "User": {"UserId": bob}},
            {"Id": "ep-c1", "ChannelType": "EMAIL", "Address": "carol@example.com",
             "User": {"UserId": carol}},
            {"Id": "ep-nouser", "ChannelType": "EMAIL", "Address": "nobody@example.com"},
        ]})
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "update_endpoints_batch: 202")
    check("RequestID" in r["MessageBody"], "update_endpoints_batch: MessageBody")

    # ---- read back -------------------------------------------------------------------
    r = c.get_endpoint(ApplicationId=app_id, EndpointId=ep_single)
    e = r["EndpointResponse"]
    check(e["Id"] == ep_single and e["ApplicationId"] == app_id, "get_endpoint: Id round-trips")
    check(e["ChannelType"] == "EMAIL" and e["Address"] == "alice@example.com",
          "get_endpoint: ChannelType/Address")
    check(e["Attributes"] == {"interests": ["science", "music"]}, "get_endpoint: Attributes")
    check(e["Location"]["City"] == "Paris" and e["Location"]["Latitude"] == 48.9,
          "get_endpoint: Location")
    check(e["Metrics"] == {"score": 4.5}, "get_endpoint: Metrics")
    check(e["User"] == {"UserId": alice, "UserAttributes": {"tier": ["gold"]}},
          "get_endpoint: User")
    check(bool(e.get("CreationDate")) and bool(e.get("EffectiveDate")),
          "get_endpoint: dates set")

    def user_ids(user):
        r = c.get_user_endpoints(ApplicationId=app_id, UserId=user)
        check(r["ResponseMetadata"]["HTTPStatusCode"] == 200, f"get_user_endpoints({user!r}): 200")
        items = r["EndpointsResponse"]["Item"]
        for it in items:
            check(it["User"]["UserId"] == user, f"get_user_endpoints({user!r}): UserId matches")
            check(it["ApplicationId"] == app_id, f"get_user_endpoints({user!r}): ApplicationId")
        return sorted(it["Id"] for it in items)

    check(user_ids(alice) == sorted([ep_single, "ep-a2"]), "alice has her two endpoints")
    check(user_ids(bob) == sorted(["ep-b1", "ep-b2/x y"]), "bob (hostile ID) has two endpoints")
    check(user_ids(carol) == ["ep-c1"], "carol has one endpoint")
    check(user_ids("Alice") == [], "user IDs are case-sensitive (Alice has none)")
    check(user_ids("nobody-at-all") == [], "unknown user: 200 with empty Item")

    # update merges: an attribute is replaced, others are kept
    c.update_endpoint(ApplicationId=app_id, EndpointId=ep_single,
                      EndpointRequest={"Attributes": {"interests": ["travel"]},
                                       "User": {"UserId": alice}})
    e = c.get_endpoint(ApplicationId=app_id, EndpointId=ep_single)["EndpointResponse"]
    check(e["Attributes"]["interests"] == ["travel"] and e["Address"] == "alice@example.com",
          "update_endpoint overwrites given attribute values, keeps the rest")

    # moving an endpoint to another user
    c.update_endpoint(ApplicationId=app_id, EndpointId="ep-a2",
                      EndpointRequest={"User": {"UserId": carol}})
    check(user_ids(alice) == [ep_single], "alice lost ep-a2 after it moved")
    check(user_ids(carol) == sorted(["ep-a2", "ep-c1"]), "carol gained ep-a2")

    # ---- delete a user's endpoints ---------------------------------------------------
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=bob)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202, "delete_user_endpoints: 202")
    deleted = sorted(it["Id"] for it in r["EndpointsResponse"]["Item"])
    check(deleted == sorted(["ep-b1", "ep-b2/x y"]), "delete_user_endpoints returns the deleted")
    check(user_ids(bob) == [], "bob has no endpoints left")
    expect_error(c, "NotFoundException", 404, c.get_endpoint, "deleted endpoint is gone",
                 ApplicationId=app_id, EndpointId="ep-b1")
    check(user_ids(carol) == sorted(["ep-a2", "ep-c1"]), "other users untouched")
    c.get_endpoint(ApplicationId=app_id, EndpointId="ep-nouser")
    r = c.delete_user_endpoints(ApplicationId=app_id, UserId=bob)
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202 and r["EndpointsResponse"]["Item"] == [],
          "delete_user_endpoints again: 202 with empty Item")

    # ---- IDs that must round-trip exactly through the path ---------------------------
    tricky = ["..", ".", "%2F", "%", "a%20b", "a+b", "q?x=1", "h#x", " lead and trail ",
              "~tilde", "\u00e9" * 300, "x" * 2000, "\U0001F600/\u6f22"]
    for n, uid in enumerate(tricky):
        eid = f"rt/{n}/{uid}"
        c.update_endpoint(ApplicationId=app_id, EndpointId=eid,
                          EndpointRequest={"ChannelType": "CUSTOM", "Address": f"rt-{n}",
                                           "User": {"UserId": uid}})
        got = c.get_endpoint(ApplicationId=app_id, EndpointId=eid)["EndpointResponse"]
        check(got["Id"] == eid and got["User"]["UserId"] == uid,
              f"round-trip endpoint/user ID #{n} via get_endpoint")
        check(user_ids(uid) == [eid], f"round-trip user ID #{n} via get_user_endpoints")
        r = c.delete_user_endpoints(ApplicationId=app_id, UserId=uid)
        check([it["Id"] for it in r["EndpointsResponse"]["Item"]] == [eid],
              f"round-trip user ID #{n} via delete_user_endpoints")

    # ---- typed errors ----------------------------------------------------------------
    missing_app = "0" * 32
    expect_error(c, "NotFoundException", 404, c.get_app, "get_app unknown app",
                 ApplicationId=missing_app)
    expect_error(c, "NotFoundException", 404, c.get_user_endpoints,
                 "get_user_endpoints unknown app", ApplicationId=missing_app, UserId=alice)
    expect_error(c, "NotFoundException", 404, c.delete_user_endpoints,
                 "delete_user_endpoints unknown app", ApplicationId=missing_app, UserId=alice)
    expect_error(c, "NotFoundException", 404, c.update_endpoint, "update_endpoint unknown app",
                 ApplicationId=missing_app, EndpointId="e", EndpointRequest={})
    expect_error(c, "NotFoundException", 404, c.update_endpoints_batch,
                 "update_endpoints_batch unknown app", ApplicationId=missing_app,
                 EndpointBatchRequest={"Item": [{"Id": "e"}]})
    expect_error(c, "NotFoundException", 404, c.get_endpoint, "get_endpoint unknown endpoint",
                 ApplicationId=app_id, EndpointId="no-such-endpoint")
    expect_error(c, "NotFoundException", 404, c.delete_endpoint,
                 "delete_endpoint unknown endpoint", ApplicationId=app_id,
                 EndpointId="no-such-endpoint")
    expect_error(c, "BadRequestException", 400, c.update_endpoints_batch,
                 "batch over 100 items", ApplicationId=app_id,
                 EndpointBatchRequest={"Item": [{"Id": f"e{i}"} for i in range(101)]})
    expect_error(c, "BadRequestException", 400, c.update_endpoint, "invalid ChannelType",
                 ApplicationId=app_id, EndpointId="e", EndpointRequest={"ChannelType": "FAX"})

    # ---- clean up --------------------------------------------------------------------
    r = c.delete_endpoint(ApplicationId=app_id, EndpointId="ep-nouser")
    check(r["ResponseMetadata"]["HTTPStatusCode"] == 202
          and r["EndpointResponse"]["Id"] == "ep-nouser", "delete_endpoint: 202 + endpoint")
    r = c.delete_app(ApplicationId=app_id)
    check(r["ApplicationResponse"]["Id"] == app_id, "delete_app returns the app")
    expect_error(c, "NotFoundException", 404, c.get_app, "deleted app is gone",
                 ApplicationId=app_id)
    expect_error(c, "NotFoundException", 404, c.get_user_endpoints,
                 "users of a deleted app", ApplicationId=app_id, UserId=carol)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
