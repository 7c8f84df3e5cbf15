// The round trip through the typescript-fetch client of openapi-generator (generated into
// ./client). Its models parse every response; errors arrive as ResponseError, whose body the
// generated NotFoundExceptionFromJSON types.
import { readFileSync } from "fs";
import {
  AppsApi, Configuration, EndpointBatchRequestFromJSON, EndpointsApi, NotFoundExceptionFromJSON, ResponseError,
  UserApi,
} from "./client";

async function main(): Promise<void> {
  const s = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const config = new Configuration({ basePath: s.baseUrl });
  const apps = new AppsApi(config);
  const endpoints = new EndpointsApi(config);
  const users = new UserApi(config);
  const app = (await apps.createApp({ createApplicationRequest: { name: s.appName } })).id;
  await endpoints.updateEndpoint({
    applicationId: app, endpointId: s.single.endpointId,
    endpointRequest: { channelType: s.single.channelType, address: s.single.address, user: { userId: s.single.userId } },
  });
  await endpoints.updateEndpointsBatch({ applicationId: app, endpointBatchRequest: EndpointBatchRequestFromJSON({ Item: s.batch }) });
  const listed: Record<string, { ids: (string | null | undefined)[]; userIds: (string | null | undefined)[] }> = {};
  for (const user of s.users as string[]) {
    const body = await users.getUserEndpoints({ applicationId: app, userId: user });
    listed[user] = { ids: body.item.map((e) => e.id), userIds: body.item.map((e) => e.user?.userId) };
  }
  const varied = (await users.getUserEndpoints({ applicationId: app, userId: s.variedUser })).item[0];
  const deleted = await users.deleteUserEndpoints({ applicationId: app, userId: s.deletedUser });
  const errors: Record<string, unknown> = {};
  for (const [key, appId, user] of [["afterDelete", app, s.deletedUser], ["lowercase", app, s.lowercaseUser],
                                    ["unknownApp", s.unknownApp, "anyone"]]) {
    try {
      await users.getUserEndpoints({ applicationId: appId, userId: user });
      errors[key] = { status: 200 };
    } catch (error) {
      if (!(error instanceof ResponseError)) throw error;
      const raw = await error.response.json();
      const typed = NotFoundExceptionFromJSON(raw);
      // The documented fallback: Message, else the member `message` some front ends send.
      const text = typed.message ?? raw["message"];
      errors[key] = { status: error.response.status, type: error.response.status === 404 ? "NotFoundException" : "?", text };
    }
  }
  await apps.deleteApp({ applicationId: app });
  console.log(JSON.stringify({
    listed,
    varied: {
      channelType: varied.channelType, cohortId: varied.cohortId, address: varied.address,
      demographic: varied.demographic, city: varied.location?.city,
    },
    deleted: deleted.item.map((e) => e.id),
    errors,
  }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
