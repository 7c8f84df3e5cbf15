// The round trip through openapi-fetch, typed by openapi-typescript's `pinpoint.ts` (generated
// beside this file). tsc --strict checks every use of the types; openapi-fetch parses nothing at
// run time, so what the server varies in reaches the caller as sent.
import createClient from "openapi-fetch";
import { readFileSync } from "fs";
import type { components, paths } from "./pinpoint";

type NotFound = components["schemas"]["NotFoundException"];
type Endpoints = components["schemas"]["EndpointsResponse"];
const USER = "/v1/apps/{application-id}/users/{user-id}";

async function main(): Promise<void> {
  const s = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const client = createClient<paths>({ baseUrl: s.baseUrl });
  const created = await client.POST("/v1/apps", { body: { Name: s.appName } });
  if (!created.data) throw new Error(`CreateApp: ${created.response.status}`);
  const app: string = created.data.Id;
  const single = await client.PUT("/v1/apps/{application-id}/endpoints/{endpoint-id}", {
    params: { path: { "application-id": app, "endpoint-id": s.single.endpointId } },
    body: { ChannelType: s.single.channelType, Address: s.single.address, User: { UserId: s.single.userId } },
  });
  const batch = await client.PUT("/v1/apps/{application-id}/endpoints", {
    params: { path: { "application-id": app } },
    body: { Item: s.batch },
  });
  if (single.response.status !== 202 || batch.response.status !== 202) throw new Error("UpdateEndpoint(sBatch)");
  const get = (appId: string, user: string) =>
    client.GET(USER, { params: { path: { "application-id": appId, "user-id": user } } });
  const listed: Record<string, { ids: (string | null | undefined)[]; userIds: (string | null | undefined)[] }> = {};
  for (const user of s.users as string[]) {
    const { data } = await get(app, user);
    if (!data) throw new Error(`GetUserEndpoints ${user}`);
    const body: Endpoints = data;
    listed[user] = { ids: body.Item.map((e) => e.Id), userIds: body.Item.map((e) => e.User?.UserId) };
  }
  const varied = (await get(app, s.variedUser)).data?.Item[0];
  if (!varied) throw new Error("varied user");
  const deleted = await client.DELETE(USER, {
    params: { path: { "application-id": app, "user-id": s.deletedUser } },
  });
  const errors: Record<string, unknown> = {};
  for (const [key, appId, user] of [["afterDelete", app, s.deletedUser], ["lowercase", app, s.lowercaseUser],
                                    ["unknownApp", s.unknownApp, "anyone"]]) {
    const { error, response } = await get(appId, user);
    if (!error) throw new Error(`${key}: no error`);
    const typed: NotFound = error; // the 404 body's static type
    // The documented fallback: Message, else the member `message` some front ends send.
    const text = typed.Message ?? (error as Record<string, unknown>)["message"];
    errors[key] = { status: response.status, type: response.status === 404 ? "NotFoundException" : "?", text };
  }
  await client.DELETE("/v1/apps/{application-id}", { params: { path: { "application-id": app } } });
  console.log(JSON.stringify({
    listed,
    varied: {
      channelType: varied.ChannelType, cohortId: varied.CohortId, address: varied.Address,
      demographic: varied.Demographic, city: varied.Location?.City,
    },
    deleted: deleted.data?.Item.map((e) => e.Id),
    errors,
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
