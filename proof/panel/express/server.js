'use strict';
// Independent, in-memory server of part of Amazon Pinpoint's REST API
// (API version 2016-12-01, protocol rest-json): apps, endpoints and the User
// resource (GET / DELETE /v1/apps/{application-id}/users/{user-id}).
// Written from AWS's public REST API reference and botocore's service model.

const http = require('node:http');
const crypto = require('node:crypto');
const express = require('express');
const compression = require('compression');

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------
function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '--host' || arg === '--port') {
      if (value === undefined) {
        if (i + 1 >= argv.length) usage(`missing value for ${arg}`);
        value = argv[++i];
      }
      if (arg === '--host') {
        if (!value) usage('empty --host');
        opts.host = value;
      } else {
        if (!/^\d+$/.test(value) || Number(value) > 65535) usage(`invalid --port ${value}`);
        opts.port = Number(value);
      }
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: node server.js [--host HOST] [--port PORT]\n');
      process.exit(0);
    } else {
      usage(`unknown argument ${argv[i]}`);
    }
  }
  return opts;
}

function usage(msg) {
  process.stderr.write(`server.js: ${msg}\nusage: node server.js [--host HOST] [--port PORT]\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------
const ERROR_STATUS = {
  BadRequestException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  MethodNotAllowedException: 405,
  PayloadTooLargeException: 413,
  TooManyRequestsException: 429,
  InternalServerErrorException: 500,
};

class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
    this.status = ERROR_STATUS[type];
  }
}
const badRequest = (msg) => new ApiError('BadRequestException', msg);
const notFound = (msg) => new ApiError('NotFoundException', msg);

function sendError(res, type, message, extraHeaders) {
  const requestId = res.locals.requestId;
  res.status(ERROR_STATUS[type]);
  res.set('x-amzn-ErrorType', type);
  if (extraHeaders) res.set(extraHeaders);
  res.json({ Message: message, RequestID: requestId });
}

// ---------------------------------------------------------------------------
// Validation of request bodies against the model's shapes
// ---------------------------------------------------------------------------
const CHANNEL_TYPES = new Set([
  'PUSH', 'GCM', 'APNS', 'APNS_SANDBOX', 'APNS_VOIP', 'APNS_VOIP_SANDBOX', 'ADM',
  'SMS', 'VOICE', 'EMAIL', 'BAIDU', 'CUSTOM', 'IN_APP',
]);
const ENDPOINT_STATUSES = new Set(['ACTIVE', 'INACTIVE']);
const OPT_OUT_VALUES = new Set(['ALL', 'NONE']);
const MAX_ATTR_NAME = 50;
const MAX_ATTR_VALUE = 100;
const MAX_BATCH = 100;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const present = (o, k) => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== null;
const charLen = (s) => [...s].length; // count Unicode code points, not UTF-16 units

function str(obj, key, where) {
  if (!present(obj, key)) return undefined;
  if (typeof obj[key] !== 'string') throw badRequest(`${where}${key} must be a string`);
  return obj[key];
}

function num(obj, key, where, min, max) {
  if (!present(obj, key)) return undefined;
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${where}${key} must be a number`);
  if (v < min || v > max) throw badRequest(`${where}${key} must be between ${min} and ${max}`);
  return v;
}

function enumStr(obj, key, where, allowed) {
  const v = str(obj, key, where);
  if (v !== undefined && !allowed.has(v)) {
    throw badRequest(`${where}${key} must be one of ${[...allowed].join(', ')}`);
  }
  return v;
}

function struct(obj, key, where) {
  if (!present(obj, key)) return undefined;
  if (!isObject(obj[key])) throw badRequest(`${where}${key} must be a JSON object`);
  return obj[key];
}

// MapOfListOf__string; an empty list means "remove this attribute" on update.
function attrMap(obj, key, where) {
  const m = struct(obj, key, where);
  if (m === undefined) return undefined;
  const entries = [];
  for (const [name, values] of Object.entries(m)) {
    if (charLen(name) === 0 || charLen(name) > MAX_ATTR_NAME) {
      throw badRequest(`${where}${key}: attribute names must have 1 to ${MAX_ATTR_NAME} characters`);
    }
    if (!Array.isArray(values)) throw badRequest(`${where}${key}.${name} must be a list of strings`);
    for (const v of values) {
      if (typeof v !== 'string') throw badRequest(`${where}${key}.${name} must be a list of strings`);
      if (charLen(v) > MAX_ATTR_VALUE) {
        throw badRequest(`${where}${key}.${name}: attribute values can have at most ${MAX_ATTR_VALUE} characters`);
      }
    }
    entries.push([name, values.slice()]);
  }
  return entries;
}

// MapOf__double
function metricMap(obj, key, where) {
  const m = struct(obj, key, where);
  if (m === undefined) return undefined;
  const entries = [];
  for (const [name, v] of Object.entries(m)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${where}${key}.${name} must be a number`);
    entries.push([name, v]);
  }
  return entries;
}

// MapOf__string
function stringMap(obj, key, where) {
  const m = struct(obj, key, where);
  if (m === undefined) return undefined;
  const entries = [];
  for (const [name, v] of Object.entries(m)) {
    if (typeof v !== 'string') throw badRequest(`${where}${key}.${name} must be a string`);
    entries.push([name, v]);
  }
  return entries;
}

const DEMOGRAPHIC_KEYS = ['AppVersion', 'Locale', 'Make', 'Model', 'ModelVersion', 'Platform', 'PlatformVersion', 'Timezone'];

// Validates an EndpointRequest / EndpointBatchItem and returns a normalised patch.
function parseEndpointPatch(body, where) {
  if (!isObject(body)) throw badRequest(`${where || 'request body '}must be a JSON object`);
  const p = {};
  p.Address = str(body, 'Address', where);
  p.Attributes = attrMap(body, 'Attributes', where);
  p.ChannelType = enumStr(body, 'ChannelType', where, CHANNEL_TYPES);
  const demo = struct(body, 'Demographic', where);
  if (demo !== undefined) {
    p.Demographic = {};
    for (const k of DEMOGRAPHIC_KEYS) p.Demographic[k] = str(demo, k, `${where}Demographic.`);
  }
  p.EffectiveDate = str(body, 'EffectiveDate', where);
  p.EndpointStatus = enumStr(body, 'EndpointStatus', where, ENDPOINT_STATUSES);
  const loc = struct(body, 'Location', where);
  if (loc !== undefined) {
    const w = `${where}Location.`;
    p.Location = {
      City: str(loc, 'City', w),
      Country: str(loc, 'Country', w),
      Latitude: num(loc, 'Latitude', w, -90, 90),
      Longitude: num(loc, 'Longitude', w, -180, 180),
      PostalCode: str(loc, 'PostalCode', w),
      Region: str(loc, 'Region', w),
    };
  }
  p.Metrics = metricMap(body, 'Metrics', where);
  p.OptOut = enumStr(body, 'OptOut', where, OPT_OUT_VALUES);
  p.RequestId = str(body, 'RequestId', where);
  const user = struct(body, 'User', where);
  if (user !== undefined) {
    p.User = {
      UserAttributes: attrMap(user, 'UserAttributes', `${where}User.`),
      UserId: str(user, 'UserId', `${where}User.`),
    };
  }
  return p;
}

function validateEndpointId(id, what) {
  if (typeof id !== 'string' || id.length === 0) throw badRequest(`${what} must be a non-empty string`);
  if (/[${}]/.test(id)) throw badRequest(`${what} can't contain $, { or }`);
  return id;
}

// ---------------------------------------------------------------------------
// In-memory store. Node runs JavaScript on one thread and every handler below
// reads and writes the store synchronously, so each request's read-modify-write
// is atomic with respect to every other request.
// ---------------------------------------------------------------------------
const apps = new Map(); // application id -> { info, endpoints: Map(lowercased endpoint id -> endpoint) }

const endpointKey = (id) => id.toLowerCase();

function requireApp(appId) {
  const app = apps.get(appId);
  if (!app) throw notFound(`Application not found: ${appId}`);
  return app;
}

function mergeEntries(oldObj, entries, dropEmptyLists) {
  const out = Object.fromEntries(Object.entries(oldObj || {}));
  for (const [k, v] of entries) {
    if (dropEmptyLists && Array.isArray(v) && v.length === 0) delete out[k];
    else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mergeStruct(oldObj, patch) {
  const out = Object.assign({}, oldObj || {});
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out;
}

function cohortFor(key) {
  const h = crypto.createHash('sha256').update(key, 'utf8').digest();
  return String(h.readUInt32BE(0) % 100);
}

// Applies one validated patch to an application; returns the stored endpoint.
function applyEndpointPatch(app, endpointId, patch, requestId, now) {
  const key = endpointKey(endpointId);
  const old = app.endpoints.get(key);
  const ep = old ? structuredClone(old) : {
    ApplicationId: app.info.Id,
    Id: endpointId,
    CohortId: cohortFor(key),
    CreationDate: now,
  };
  for (const k of ['Address', 'ChannelType', 'OptOut']) if (patch[k] !== undefined) ep[k] = patch[k];
  if (patch.Attributes !== undefined) ep.Attributes = mergeEntries(ep.Attributes, patch.Attributes, true);
  if (patch.Metrics !== undefined) ep.Metrics = mergeEntries(ep.Metrics, patch.Metrics, false);
  if (patch.Demographic !== undefined) ep.Demographic = mergeStruct(ep.Demographic, patch.Demographic);
  if (patch.Location !== undefined) ep.Location = mergeStruct(ep.Location, patch.Location);
  if (patch.User !== undefined) {
    const user = Object.assign({}, ep.User || {});
    if (patch.User.UserId !== undefined) user.UserId = patch.User.UserId;
    if (patch.User.UserAttributes !== undefined) {
      user.UserAttributes = mergeEntries(user.UserAttributes, patch.User.UserAttributes, true);
    }
    ep.User = user;
  }
  ep.EndpointStatus = patch.EndpointStatus !== undefined ? patch.EndpointStatus : 'ACTIVE';
  ep.EffectiveDate = patch.EffectiveDate !== undefined ? patch.EffectiveDate : now;
  ep.RequestId = patch.RequestId !== undefined ? patch.RequestId : requestId;
  ep.LastModifiedDate = now;
  app.endpoints.set(key, ep);
  // "Amazon Pinpoint automatically sets this value to INACTIVE if you update
  // another endpoint that has the same address specified by the Address property."
  if (patch.Address !== undefined && ep.Address !== '') {
    for (const [k, other] of app.endpoints) {
      if (k !== key && other.Address === ep.Address && other.EndpointStatus !== 'INACTIVE') {
        other.EndpointStatus = 'INACTIVE';
        other.LastModifiedDate = now;
      }
    }
  }
  return ep;
}

function endpointView(ep) {
  // Deep copy so later writes never alias a response being serialised.
  return structuredClone(ep);
}

function newApplicationId() {
  return crypto.randomBytes(16).toString('hex');
}

function regionOf(req) {
  const auth = req.get('authorization') || '';
  const m = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]{1,64})\/[^/,\s]+\/aws4_request/.exec(auth);
  return m ? m[1] : 'us-east-1';
}

// ---------------------------------------------------------------------------
// Body handling
// ---------------------------------------------------------------------------
const BODY_LIMIT = '5mb';
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;
const rawParser = express.raw({ type: () => true, limit: BODY_LIMIT, inflate: true });
// A declared Content-Length over the limit is refused at once (the connection
// is then closed) instead of waiting for a body that may never come.
function rawBody(req, res, next) {
  const cl = req.headers['content-length'];
  if (cl !== undefined && /^\d+$/.test(cl) && Number(cl) > BODY_LIMIT_BYTES) {
    res.set('Connection', 'close');
    return sendError(res, 'PayloadTooLargeException', `The request body is larger than ${BODY_LIMIT}`);
  }
  return rawParser(req, res, next);
}
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function jsonBody(req) {
  const buf = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (buf.length === 0) throw badRequest('The request body is required and must be a JSON object');
  let text;
  try {
    text = utf8.decode(buf);
  } catch (e) {
    throw badRequest('The request body is not valid UTF-8');
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest('The request body is not valid JSON');
  }
  if (!isObject(value)) throw badRequest('The request body must be a JSON object');
  return value;
}

// ---------------------------------------------------------------------------
// Application
// ---------------------------------------------------------------------------
const app = express();
app.disable('x-powered-by');
app.set('etag', false); // no 304s: every answer is a documented status
app.set('case sensitive routing', true);
app.set('strict routing', true);
app.set('query parser', 'simple');

// gzip whenever Accept-Encoding allows it, whatever the size (operator's choice).
app.use(compression({ threshold: 0 }));

// Request id on every response, and a strict check of the raw request-target.
app.use((req, res, next) => {
  const requestId = crypto.randomUUID();
  res.locals.requestId = requestId;
  res.set('x-amzn-RequestId', requestId);
  // Conditional requests are not evaluated (no 304/412): every answer is one of
  // the statuses the model documents.
  for (const h of ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range']) {
    delete req.headers[h];
  }
  const url = req.url;
  // RFC 9112 3.2: origin-form = absolute-path [ "?" query ] (absolute-form is
  // also accepted); RFC 3986: only pchar, "/" and "?" may appear, everything
  // else (raw spaces, '#', '\\', controls, raw non-ASCII bytes, a '%' not
  // followed by two hex digits) is rejected here.
  if (!/^(?:https?:\/\/[^/?#]*)?\//i.test(url) ||
      !/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/.test(url)) {
    return sendError(res, 'BadRequestException',
      'The request target is malformed: characters outside RFC 3986 must be percent-encoded as %XX');
  }
  next();
});

function handler(fn) {
  return (req, res, next) => {
    try {
      fn(req, res);
    } catch (err) {
      next(err);
    }
  };
}

const APP_PATH = '/v1/apps/:applicationId';

// CreateApp
app.post('/v1/apps', rawBody, handler((req, res) => {
  const body = jsonBody(req);
  const reqShape = body;
  const name = str(reqShape, 'Name', '');
  if (name === undefined || name.length === 0) throw badRequest('Name is required');
  const tags = stringMap(reqShape, 'tags', '');
  let id;
  do { id = newApplicationId(); } while (apps.has(id));
  const info = {
    Arn: `arn:aws:mobiletargeting:${regionOf(req)}:000000000000:apps/${id}`,
    Id: id,
    Name: name,
    tags: Object.fromEntries(tags || []),
    CreationDate: new Date().toISOString(),
  };
  apps.set(id, { info, endpoints: new Map() });
  res.status(201).json(info);
}));

// GetApps (optional in the brief; simple offset pagination)
app.get('/v1/apps', handler((req, res) => {
  let pageSize = 100;
  let start = 0;
  const ps = req.query['page-size'];
  const tok = req.query.token;
  if (ps !== undefined) {
    if (typeof ps !== 'string' || !/^\d{1,4}$/.test(ps) || Number(ps) < 1 || Number(ps) > 1000) {
      throw badRequest('page-size must be an integer from 1 to 1000');
    }
    pageSize = Number(ps);
  }
  if (tok !== undefined && tok !== '') {
    if (typeof tok !== 'string' || !/^\d{1,9}$/.test(tok)) throw badRequest('Invalid token');
    start = Number(tok);
  }
  const all = [...apps.values()].map((a) => a.info);
  const page = all.slice(start, start + pageSize);
  const out = { Item: structuredClone(page) };
  if (start + pageSize < all.length) out.NextToken = String(start + pageSize);
  res.status(200).json(out);
}));

// GetApp
app.get(APP_PATH, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  res.status(200).json(structuredClone(a.info));
}));

// DeleteApp
app.delete(APP_PATH, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  apps.delete(a.info.Id);
  res.status(200).json(structuredClone(a.info));
}));

// UpdateEndpointsBatch
app.put(`${APP_PATH}/endpoints`, rawBody, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  const body = jsonBody(req);
  if (!present(body, 'Item')) throw badRequest('Item is required');
  if (!Array.isArray(body.Item)) throw badRequest('Item must be a list');
  if (body.Item.length === 0 || body.Item.length > MAX_BATCH) {
    throw badRequest(`Item must contain from 1 to ${MAX_BATCH} endpoints`);
  }
  // Validate every item first so that a batch is applied all or nothing.
  const patches = body.Item.map((item, i) => {
    const where = `Item[${i}].`;
    if (!isObject(item)) throw badRequest(`Item[${i}] must be a JSON object`);
    if (!present(item, 'Id')) throw badRequest(`${where}Id is required`);
    const id = validateEndpointId(item.Id, `${where}Id`);
    return [id, parseEndpointPatch(item, where)];
  });
  const now = new Date().toISOString();
  for (const [id, patch] of patches) applyEndpointPatch(a, id, patch, res.locals.requestId, now);
  res.status(202).json({ Message: 'Accepted', RequestID: res.locals.requestId });
}));

// UpdateEndpoint
app.put(`${APP_PATH}/endpoints/:endpointId`, rawBody, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  const id = validateEndpointId(req.params.endpointId, 'EndpointId');
  const patch = parseEndpointPatch(jsonBody(req), '');
  applyEndpointPatch(a, id, patch, res.locals.requestId, new Date().toISOString());
  res.status(202).json({ Message: 'Accepted', RequestID: res.locals.requestId });
}));

function requireEndpoint(a, id) {
  const ep = a.endpoints.get(endpointKey(id));
  if (!ep) throw notFound(`Endpoint not found: ${id}`);
  return ep;
}

// GetEndpoint
app.get(`${APP_PATH}/endpoints/:endpointId`, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  const ep = requireEndpoint(a, req.params.endpointId);
  res.status(200).json(endpointView(ep));
}));

// DeleteEndpoint
app.delete(`${APP_PATH}/endpoints/:endpointId`, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  const ep = requireEndpoint(a, req.params.endpointId);
  a.endpoints.delete(endpointKey(ep.Id));
  res.status(202).json(endpointView(ep));
}));

function userEndpoints(a, userId) {
  const out = [];
  for (const [key, ep] of a.endpoints) {
    if (ep.User && ep.User.UserId === userId) out.push([key, ep]);
  }
  return out;
}

// GetUserEndpoints
app.get(`${APP_PATH}/users/:userId`, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  const items = userEndpoints(a, req.params.userId).map(([, ep]) => endpointView(ep));
  res.status(200).json({ Item: items });
}));

// DeleteUserEndpoints
app.delete(`${APP_PATH}/users/:userId`, handler((req, res) => {
  const a = requireApp(req.params.applicationId);
  const found = userEndpoints(a, req.params.userId);
  for (const [key] of found) a.endpoints.delete(key);
  res.status(202).json({ Item: found.map(([, ep]) => endpointView(ep)) });
}));

// ---------------------------------------------------------------------------
// Fallbacks: empty path parameters, wrong methods, unknown paths, errors
// ---------------------------------------------------------------------------
const ROUTE_SHAPES = [
  { re: /^\/v1\/apps$/, methods: ['GET', 'HEAD', 'POST'], labels: [] },
  { re: /^\/v1\/apps\/([^/]*)$/, methods: ['GET', 'HEAD', 'DELETE'], labels: ['application-id'] },
  { re: /^\/v1\/apps\/([^/]*)\/endpoints$/, methods: ['PUT'], labels: ['application-id'] },
  { re: /^\/v1\/apps\/([^/]*)\/endpoints\/([^/]*)$/, methods: ['GET', 'HEAD', 'PUT', 'DELETE'], labels: ['application-id', 'endpoint-id'] },
  { re: /^\/v1\/apps\/([^/]*)\/users\/([^/]*)$/, methods: ['GET', 'HEAD', 'DELETE'], labels: ['application-id', 'user-id'] },
];

app.use((req, res, next) => {
  const path = req.path;
  for (const shape of ROUTE_SHAPES) {
    const m = shape.re.exec(path);
    if (!m) continue;
    const empty = shape.labels.find((_, i) => m[i + 1] === '');
    if (empty) return sendError(res, 'BadRequestException', `The path parameter ${empty} must not be empty`);
    // Express's own OPTIONS answer (200 + Allow) runs after the last middleware.
    if (req.method === 'OPTIONS') return next();
    return sendError(res, 'MethodNotAllowedException',
      `Method ${req.method} is not allowed on this resource`, { Allow: shape.methods.join(', ') });
  }
  return sendError(res, 'NotFoundException', 'The requested resource was not found');
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ApiError) return sendError(res, err.type, err.message);
  if (err && err.type === 'entity.too.large') {
    return sendError(res, 'PayloadTooLargeException', `The request body is larger than ${BODY_LIMIT}`);
  }
  if (err && (err.status === 400 || err.statusCode === 400 || err.status === 415 ||
      (typeof err.type === 'string' && err.type.startsWith('encoding.')))) {
    return sendError(res, 'BadRequestException', err instanceof URIError
      ? 'The request path contains an invalid percent-encoding' : `Bad request: ${err.message}`);
  }
  if (err && err.type === 'request.aborted') {
    res.destroy();
    return;
  }
  if (err && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return sendError(res, 'BadRequestException', `Bad request: ${err.message}`);
  }
  process.stderr.write(`internal error: ${err && err.stack ? err.stack : err}\n`);
  return sendError(res, 'InternalServerErrorException', 'Internal server error');
});

// ---------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------
function rawErrorResponse(status, reason, type, message) {
  const body = JSON.stringify({ Message: message, RequestID: crypto.randomUUID() });
  const rid = JSON.parse(body).RequestID;
  return `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `x-amzn-RequestId: ${rid}\r\n` +
    `x-amzn-ErrorType: ${type}\r\n` +
    'Connection: close\r\n\r\n' + body;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = http.createServer({ requestTimeout: 60000, headersTimeout: 30000 }, app);
  server.keepAliveTimeout = 5000;

  // Malformed HTTP (bad request line, unknown method, bad headers, oversized
  // headers, timeouts) never reaches Express; answer it here with a MessageBody.
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    let resp;
    if (err.code === 'HPE_INVALID_METHOD') {
      resp = rawErrorResponse(405, 'Method Not Allowed', 'MethodNotAllowedException', 'Unknown HTTP method');
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      resp = rawErrorResponse(400, 'Bad Request', 'BadRequestException', 'The request line or headers are too large');
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      resp = rawErrorResponse(400, 'Bad Request', 'BadRequestException', 'The request was not received in time');
    } else {
      resp = rawErrorResponse(400, 'Bad Request', 'BadRequestException', 'Malformed HTTP request');
    }
    socket.end(resp);
  });

  // CONNECT is never served; without a listener Node would drop the socket.
  server.on('connect', (req, socket) => {
    socket.on('error', () => {});
    socket.end(rawErrorResponse(405, 'Method Not Allowed', 'MethodNotAllowedException', 'Method CONNECT is not allowed'));
  });

  server.on('error', (err) => {
    process.stderr.write(`server error: ${err.message}\n`);
    process.exit(1);
  });

  server.listen(opts.port, opts.host, () => {
    process.stdout.write(`listening on http://${opts.host}:${opts.port}\n`);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
