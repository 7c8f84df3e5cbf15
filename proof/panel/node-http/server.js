'use strict';
// Independent server of part of Amazon Pinpoint's REST API (2016-12-01, rest-json):
// apps, endpoints and the User resource (GetUserEndpoints / DeleteUserEndpoints).
// Node.js built-in `http` only; no dependencies. See DECISIONS.md for every choice.

const http = require('http');
const crypto = require('crypto');

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------
const MAX_BODY_BYTES = 2 * 1024 * 1024; // PayloadTooLargeException above this
const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';
const ATTR_NAME_MAX = 50;   // "An attribute name can contain up to 50 characters."
const ATTR_VALUE_MAX = 100; // "An attribute value can contain up to 100 characters."
const CHANNEL_TYPES = new Set(['PUSH', 'GCM', 'APNS', 'APNS_SANDBOX', 'APNS_VOIP',
  'APNS_VOIP_SANDBOX', 'ADM', 'SMS', 'VOICE', 'EMAIL', 'BAIDU', 'CUSTOM', 'IN_APP']);
const OPT_OUT_VALUES = new Set(['ALL', 'NONE']);
const ENDPOINT_STATUS_VALUES = new Set(['ACTIVE', 'INACTIVE']);

const STATUS_TEXT = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 400: 'Bad Request', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large',
  429: 'Too Many Requests', 500: 'Internal Server Error',
};

function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    if (a === '--host' || a === '--port') {
      if (val === undefined) {
        if (i + 1 >= argv.length) usage(`missing value for ${a}`);
        val = argv[++i];
      }
      if (a === '--host') {
        if (!val) usage('empty --host');
        opts.host = val;
      } else {
        if (!/^[0-9]{1,5}$/.test(val) || Number(val) > 65535) usage(`invalid --port ${val}`);
        opts.port = Number(val);
      }
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node server.js [--host HOST] [--port PORT]\n');
      process.exit(0);
    } else {
      usage(`unknown argument ${a}`);
    }
  }
  return opts;
}

function usage(msg) {
  process.stderr.write(`error: ${msg}\nusage: node server.js [--host HOST] [--port PORT]\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}
const badRequest = (m) => new ApiError(400, 'BadRequestException', m);
const notFound = (m) => new ApiError(404, 'NotFoundException', m);

// ---------------------------------------------------------------------------
// In-memory store. Node runs every handler to completion on one thread, and
// each handler touches the store only synchronously after its body is read,
// so every operation is atomic with respect to concurrent requests.
// ---------------------------------------------------------------------------
const apps = new Map(); // appId -> { app: {...}, endpoints: Map(lowercased endpointId -> endpoint) }

// Echo client-supplied IDs in messages, but never unboundedly.
function shown(id) { return id.length > 200 ? id.slice(0, 200) + '...' : id; }

function nowIso() { return new Date().toISOString(); }

function cohortFor(appId, endpointKey) {
  const h = crypto.createHash('sha256').update(appId + '\u0000' + endpointKey).digest();
  return String(h.readUInt32BE(0) % 100);
}

// ---------------------------------------------------------------------------
// Strict percent-decoding (RFC 3986 §2.1) + UTF-8 validation
// ---------------------------------------------------------------------------
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hexVal(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

// Returns the decoded string or throws BadRequest.
function percentDecode(s, what) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */) {
      if (i + 2 >= s.length) throw badRequest(`Invalid percent-encoding in ${what}`);
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h < 0 || l < 0) throw badRequest(`Invalid percent-encoding in ${what}`);
      bytes.push(h * 16 + l);
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // request-target chars are checked to be ASCII before we get here
      throw badRequest(`Invalid character in ${what}`);
    }
  }
  try {
    return utf8Decoder.decode(Uint8Array.from(bytes));
  } catch (e) {
    throw badRequest(`Invalid UTF-8 in ${what}`);
  }
}

function hasControlChar(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

// Parse the request-target into decoded path segments and query parameters.
function parseTarget(rawUrl) {
  let url = rawUrl;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) throw badRequest('Invalid character in request target');
  }
  // absolute-form (RFC 9112 §3.2.2): a server MUST accept it
  const abs = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  if (abs) url = url.slice(abs[0].length) || '/';
  if (url[0] !== '/') throw badRequest('Request target must be an absolute path');
  const hash = url.indexOf('#');
  if (hash >= 0) url = url.slice(0, hash);
  const q = url.indexOf('?');
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const rawQuery = q >= 0 ? url.slice(q + 1) : '';
  const segments = rawPath.split('/').slice(1).map((s) => percentDecode(s, 'path'));
  const query = new Map();
  if (rawQuery) {
    for (const part of rawQuery.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const k = percentDecode((eq >= 0 ? part.slice(0, eq) : part).replace(/\+/g, ' '), 'query');
      const v = percentDecode((eq >= 0 ? part.slice(eq + 1) : '').replace(/\+/g, ' '), 'query');
      if (!query.has(k)) query.set(k, v);
    }
  }
  return { segments, query };
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------
// Each route: pattern of literal strings and {param} names, methods -> handler.
const routes = [
  { pattern: ['v1', 'apps'], methods: { POST: createApp, GET: getApps } },
  { pattern: ['v1', 'apps', '{application-id}'], methods: { GET: getApp, DELETE: deleteApp } },
  { pattern: ['v1', 'apps', '{application-id}', 'endpoints'], methods: { PUT: updateEndpointsBatch } },
  { pattern: ['v1', 'apps', '{application-id}', 'endpoints', '{endpoint-id}'],
    methods: { GET: getEndpoint, PUT: updateEndpoint, DELETE: deleteEndpoint } },
  { pattern: ['v1', 'apps', '{application-id}', 'users', '{user-id}'],
    methods: { GET: getUserEndpoints, DELETE: deleteUserEndpoints } },
];

function matchRoute(segments) {
  for (const r of routes) {
    if (r.pattern.length !== segments.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < r.pattern.length; i++) {
      const p = r.pattern[i];
      if (p[0] === '{') params[p.slice(1, -1)] = segments[i];
      else if (p !== segments[i]) { ok = false; break; }
    }
    if (ok) return { route: r, params };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function present(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== null && obj[key] !== undefined;
}

function reqString(v, name) {
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
  return v;
}

function reqNumber(v, name) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${name} must be a finite number`);
  return v;
}

function validateAppId(id) {
  if (id === '') throw badRequest('ApplicationId is required');
  if (hasControlChar(id)) throw badRequest('ApplicationId contains control characters');
  return id;
}

function validateEndpointId(id, name) {
  if (typeof id !== 'string') throw badRequest(`${name} must be a string`);
  if (id === '') throw badRequest(`${name} is required`);
  if (/[${}]/.test(id)) throw badRequest(`${name} can't contain $, { or }`);
  if (hasControlChar(id)) throw badRequest(`${name} contains control characters`);
  return id;
}

function validateUserId(id) {
  if (id === '') throw badRequest('UserId is required');
  if (hasControlChar(id)) throw badRequest('UserId contains control characters');
  return id;
}

function mapOfListOfString(v, name) {
  if (!isObj(v)) throw badRequest(`${name} must be an object`);
  const out = Object.create(null);
  for (const k of Object.keys(v)) {
    if (k.length > ATTR_NAME_MAX) throw badRequest(`${name} name exceeds ${ATTR_NAME_MAX} characters`);
    const list = v[k];
    if (!Array.isArray(list)) throw badRequest(`${name}.${k} must be a list of strings`);
    out[k] = list.map((s) => {
      reqString(s, `${name} value`);
      if (s.length > ATTR_VALUE_MAX) throw badRequest(`${name} value exceeds ${ATTR_VALUE_MAX} characters`);
      return s;
    });
  }
  return out;
}

function mapOfDouble(v, name) {
  if (!isObj(v)) throw badRequest(`${name} must be an object`);
  const out = Object.create(null);
  for (const k of Object.keys(v)) out[k] = reqNumber(v[k], `${name}.${k}`);
  return out;
}

function mapOfString(v, name) {
  if (!isObj(v)) throw badRequest(`${name} must be an object`);
  const out = Object.create(null);
  for (const k of Object.keys(v)) out[k] = reqString(v[k], `${name}.${k}`);
  return out;
}

const DEMOGRAPHIC_KEYS = ['AppVersion', 'Locale', 'Make', 'Model', 'ModelVersion', 'Platform',
  'PlatformVersion', 'Timezone'];
const LOCATION_STRING_KEYS = ['City', 'Country', 'PostalCode', 'Region'];

function roundOneDecimal(x) {
  const r = Math.sign(x) * Number(Math.abs(x).toFixed(1));
  return r === 0 ? 0 : r; // no -0
}

// Validate an EndpointRequest / EndpointBatchItem into a normalized "patch".
function parseEndpointPatch(body, where) {
  if (!isObj(body)) throw badRequest(`${where} must be a JSON object`);
  const p = {};
  for (const k of ['Address', 'EffectiveDate', 'RequestId']) {
    if (present(body, k)) p[k] = reqString(body[k], `${where}.${k}`);
  }
  if (present(body, 'ChannelType')) {
    const v = reqString(body.ChannelType, `${where}.ChannelType`);
    if (!CHANNEL_TYPES.has(v)) throw badRequest(`${where}.ChannelType has an invalid value`);
    p.ChannelType = v;
  }
  if (present(body, 'OptOut')) {
    const v = reqString(body.OptOut, `${where}.OptOut`);
    if (!OPT_OUT_VALUES.has(v)) throw badRequest(`${where}.OptOut must be ALL or NONE`);
    p.OptOut = v;
  }
  if (present(body, 'EndpointStatus')) {
    const v = reqString(body.EndpointStatus, `${where}.EndpointStatus`);
    if (!ENDPOINT_STATUS_VALUES.has(v)) throw badRequest(`${where}.EndpointStatus must be ACTIVE or INACTIVE`);
    p.EndpointStatus = v;
  }
  if (present(body, 'Attributes')) p.Attributes = mapOfListOfString(body.Attributes, `${where}.Attributes`);
  if (present(body, 'Metrics')) p.Metrics = mapOfDouble(body.Metrics, `${where}.Metrics`);
  if (present(body, 'Demographic')) {
    const d = body.Demographic;
    if (!isObj(d)) throw badRequest(`${where}.Demographic must be an object`);
    p.Demographic = {};
    for (const k of DEMOGRAPHIC_KEYS) {
      if (present(d, k)) p.Demographic[k] = reqString(d[k], `${where}.Demographic.${k}`);
    }
  }
  if (present(body, 'Location')) {
    const l = body.Location;
    if (!isObj(l)) throw badRequest(`${where}.Location must be an object`);
    p.Location = {};
    for (const k of LOCATION_STRING_KEYS) {
      if (present(l, k)) p.Location[k] = reqString(l[k], `${where}.Location.${k}`);
    }
    if (present(l, 'Latitude')) {
      const v = reqNumber(l.Latitude, `${where}.Location.Latitude`);
      if (v < -90 || v > 90) throw badRequest(`${where}.Location.Latitude must be between -90 and 90`);
      p.Location.Latitude = roundOneDecimal(v);
    }
    if (present(l, 'Longitude')) {
      const v = reqNumber(l.Longitude, `${where}.Location.Longitude`);
      if (v < -180 || v > 180) throw badRequest(`${where}.Location.Longitude must be between -180 and 180`);
      p.Location.Longitude = roundOneDecimal(v);
    }
  }
  if (present(body, 'User')) {
    const u = body.User;
    if (!isObj(u)) throw badRequest(`${where}.User must be an object`);
    p.User = {};
    if (present(u, 'UserId')) {
      const v = reqString(u.UserId, `${where}.User.UserId`);
      if (hasControlChar(v)) throw badRequest(`${where}.User.UserId contains control characters`);
      p.User.UserId = v;
    }
    if (present(u, 'UserAttributes')) {
      p.User.UserAttributes = mapOfListOfString(u.UserAttributes, `${where}.User.UserAttributes`);
    }
  }
  return p;
}

// Apply a validated patch to an app's endpoint table (create or update).
function applyEndpointPatch(appId, entry, endpointId, patch, requestId) {
  const key = endpointId.toLowerCase();
  const now = nowIso();
  let ep = entry.endpoints.get(key);
  if (!ep) {
    ep = {
      Id: endpointId,
      ApplicationId: appId,
      CohortId: cohortFor(appId, key),
      CreationDate: now,
      OptOut: 'NONE',
    };
    entry.endpoints.set(key, ep);
  }
  for (const k of ['Address', 'ChannelType', 'OptOut']) {
    if (k in patch) ep[k] = patch[k];
  }
  if (patch.Attributes) {
    ep.Attributes = Object.assign(Object.create(null), ep.Attributes || {}, patch.Attributes);
  }
  if (patch.Metrics) {
    ep.Metrics = Object.assign(Object.create(null), ep.Metrics || {}, patch.Metrics);
  }
  if (patch.Demographic) ep.Demographic = Object.assign({}, ep.Demographic || {}, patch.Demographic);
  if (patch.Location) ep.Location = Object.assign({}, ep.Location || {}, patch.Location);
  if (patch.User) {
    const u = Object.assign({}, ep.User || {});
    if ('UserId' in patch.User) u.UserId = patch.User.UserId;
    if (patch.User.UserAttributes) {
      u.UserAttributes = Object.assign(Object.create(null), u.UserAttributes || {}, patch.User.UserAttributes);
    }
    ep.User = u;
  }
  ep.EffectiveDate = 'EffectiveDate' in patch ? patch.EffectiveDate : now;
  ep.RequestId = 'RequestId' in patch ? patch.RequestId : requestId;
  ep.EndpointStatus = 'EndpointStatus' in patch ? patch.EndpointStatus : 'ACTIVE';
  // "Amazon Pinpoint automatically sets this value to INACTIVE if you update another
  // endpoint that has the same address specified by the Address property."
  if (typeof ep.Address === 'string' && ep.Address !== '' && 'Address' in patch) {
    for (const [k, other] of entry.endpoints) {
      if (k !== key && other.Address === ep.Address) other.EndpointStatus = 'INACTIVE';
    }
  }
}

const ENDPOINT_FIELD_ORDER = ['Address', 'ApplicationId', 'Attributes', 'ChannelType', 'CohortId',
  'CreationDate', 'Demographic', 'EffectiveDate', 'EndpointStatus', 'Id', 'Location', 'Metrics',
  'OptOut', 'RequestId', 'User'];

function endpointView(ep) {
  const out = {};
  for (const k of ENDPOINT_FIELD_ORDER) {
    if (ep[k] !== undefined) out[k] = ep[k];
  }
  return out;
}

function appView(a) {
  return { Arn: a.Arn, Id: a.Id, Name: a.Name, tags: a.tags, CreationDate: a.CreationDate };
}

function requireApp(appId) {
  validateAppId(appId);
  const entry = apps.get(appId);
  if (!entry) throw notFound(`Application not found: ${shown(appId)}`);
  return entry;
}

function parseJsonBody(ctx) {
  if (ctx.body.length === 0) throw badRequest('Request body is required');
  let text;
  try {
    text = utf8Decoder.decode(ctx.body);
  } catch (e) {
    throw badRequest('Request body is not valid UTF-8');
  }
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badRequest('Request body is not valid JSON');
  }
  if (!isObj(v)) throw badRequest('Request body must be a JSON object');
  return v;
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------
function createApp(ctx) {
  const body = parseJsonBody(ctx);
  if (!present(body, 'Name')) throw badRequest('Name is required');
  const name = reqString(body.Name, 'Name');
  if (name.trim() === '') throw badRequest('Name must not be empty');
  const tags = present(body, 'tags') ? mapOfString(body.tags, 'tags') : Object.create(null);
  const id = crypto.randomBytes(16).toString('hex');
  const app = {
    Arn: `arn:aws:mobiletargeting:${REGION}:${ACCOUNT_ID}:apps/${id}`,
    Id: id,
    Name: name,
    tags,
    CreationDate: nowIso(),
  };
  apps.set(id, { app, endpoints: new Map() });
  return [201, appView(app)];
}

function getApps(ctx) {
  let pageSize = Infinity;
  if (ctx.query.has('page-size')) {
    const s = ctx.query.get('page-size');
    if (!/^[0-9]{1,9}$/.test(s) || Number(s) < 1) throw badRequest('page-size must be a positive integer');
    pageSize = Number(s);
  }
  let start = 0;
  if (ctx.query.has('token')) {
    const t = ctx.query.get('token');
    if (!/^[0-9]{1,9}$/.test(t)) throw badRequest('Invalid token');
    start = Number(t);
  }
  const all = Array.from(apps.values(), (e) => appView(e.app));
  const items = all.slice(start, start + pageSize);
  const out = { Item: items };
  if (start + items.length < all.length) out.NextToken = String(start + items.length);
  return [200, out];
}

function getApp(ctx) {
  return [200, appView(requireApp(ctx.params['application-id']).app)];
}

function deleteApp(ctx) {
  const appId = ctx.params['application-id'];
  const entry = requireApp(appId);
  apps.delete(appId);
  return [200, appView(entry.app)];
}

function updateEndpoint(ctx) {
  const appId = ctx.params['application-id'];
  validateAppId(appId);
  const endpointId = validateEndpointId(ctx.params['endpoint-id'], 'EndpointId');
  const body = parseJsonBody(ctx);
  const patch = parseEndpointPatch(body, 'EndpointRequest');
  const entry = requireApp(appId);
  applyEndpointPatch(appId, entry, endpointId, patch, ctx.requestId);
  return [202, { Message: 'Accepted', RequestID: ctx.requestId }];
}

function updateEndpointsBatch(ctx) {
  const appId = ctx.params['application-id'];
  validateAppId(appId);
  const body = parseJsonBody(ctx);
  if (!present(body, 'Item')) throw badRequest('Item is required');
  if (!Array.isArray(body.Item)) throw badRequest('Item must be a list');
  // Validate every item before touching the store: the batch is all-or-nothing.
  const items = body.Item.map((it, i) => {
    const where = `Item[${i}]`;
    if (!isObj(it)) throw badRequest(`${where} must be a JSON object`);
    if (!present(it, 'Id')) throw badRequest(`${where}.Id is required`);
    const id = validateEndpointId(it.Id, `${where}.Id`);
    return { id, patch: parseEndpointPatch(it, where) };
  });
  const entry = requireApp(appId);
  for (const { id, patch } of items) applyEndpointPatch(appId, entry, id, patch, ctx.requestId);
  return [202, { Message: 'Accepted', RequestID: ctx.requestId }];
}

function getEndpoint(ctx) {
  const appId = ctx.params['application-id'];
  validateAppId(appId);
  const endpointId = validateEndpointId(ctx.params['endpoint-id'], 'EndpointId');
  const entry = requireApp(appId);
  const ep = entry.endpoints.get(endpointId.toLowerCase());
  if (!ep) throw notFound(`Endpoint not found: ${shown(endpointId)}`);
  return [200, endpointView(ep)];
}

function deleteEndpoint(ctx) {
  const appId = ctx.params['application-id'];
  validateAppId(appId);
  const endpointId = validateEndpointId(ctx.params['endpoint-id'], 'EndpointId');
  const entry = requireApp(appId);
  const key = endpointId.toLowerCase();
  const ep = entry.endpoints.get(key);
  if (!ep) throw notFound(`Endpoint not found: ${shown(endpointId)}`);
  entry.endpoints.delete(key);
  return [202, endpointView(ep)];
}

function userEndpointKeys(entry, userId) {
  const keys = [];
  for (const [k, ep] of entry.endpoints) {
    if (ep.User && ep.User.UserId === userId) keys.push(k);
  }
  return keys;
}

function getUserEndpoints(ctx) {
  const appId = ctx.params['application-id'];
  validateAppId(appId);
  const userId = validateUserId(ctx.params['user-id']);
  const entry = requireApp(appId);
  const keys = userEndpointKeys(entry, userId);
  if (keys.length === 0) throw notFound(`No endpoints found for user: ${shown(userId)}`);
  return [200, { Item: keys.map((k) => endpointView(entry.endpoints.get(k))) }];
}

function deleteUserEndpoints(ctx) {
  const appId = ctx.params['application-id'];
  validateAppId(appId);
  const userId = validateUserId(ctx.params['user-id']);
  const entry = requireApp(appId);
  const keys = userEndpointKeys(entry, userId);
  if (keys.length === 0) throw notFound(`No endpoints found for user: ${shown(userId)}`);
  const deleted = keys.map((k) => {
    const ep = entry.endpoints.get(k);
    entry.endpoints.delete(k);
    return endpointView(ep);
  });
  return [202, { Item: deleted }];
}

// ---------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------
function requestHasConnectionClose(req) {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'connection') continue;
    for (const tok of raw[i + 1].split(',')) {
      if (tok.trim().toLowerCase() === 'close') return true;
    }
  }
  return false;
}

function send(req, res, status, payload, extraHeaders) {
  if (res.headersSent) { // should not happen; never leave a half response hanging
    res.destroy();
    return;
  }
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('x-amzn-RequestId', res.locals.requestId);
  if (extraHeaders) for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  if (requestHasConnectionClose(req)) {
    // Operators' choice: close after answering but do not echo "Connection: close".
    // removeHeader('Connection') makes Node omit the header it would add itself while
    // still closing the connection because the request did not ask for keep-alive.
    res.removeHeader('Connection');
  }
  // write() before end() so Node uses chunked transfer-coding, not Content-Length.
  res.write(body);
  res.end();
}

function sendError(req, res, err, extraHeaders) {
  const headers = Object.assign({ 'x-amzn-ErrorType': err.type }, extraHeaders || {});
  send(req, res, err.status, { Message: err.message, RequestID: res.locals.requestId }, headers);
}

function allowFor(route) {
  return route ? Object.keys(route.methods).join(', ') : '';
}

// Node (20.x) arms the idle keep-alive timer at keepAliveTimeout + 1000 ms (an internal
// safety buffer). The operators want idle connections closed after exactly
// keepAliveTimeout, so once Node has armed that timer we re-arm it without the buffer.
// Node clears it again as soon as the next request's headers arrive.
const NODE_KEEP_ALIVE_BUFFER = 1000;
function tightenKeepAlive(req, res) {
  const sock = req.socket;
  const server = sock && sock.server;
  if (!server || !server.keepAliveTimeout) return;
  res.on('finish', () => {
    if (!sock.destroyed && sock.timeout === server.keepAliveTimeout + NODE_KEEP_ALIVE_BUFFER) {
      sock.setTimeout(server.keepAliveTimeout);
    }
  });
}

function handle(req, res) {
  const requestId = crypto.randomUUID();
  res.locals = { requestId };
  tightenKeepAlive(req, res);
  const method = req.method;

  // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any
  // HTTP/1.1 request message that lacks a Host header field".
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    drain(req);
    return sendError(req, res, badRequest('Missing Host header'));
  }

  // Operators' choice: HEAD and OPTIONS on any path answer 405.
  if (method === 'HEAD' || method === 'OPTIONS') {
    let route = null;
    try { const m = matchRoute(parseTarget(req.url).segments); route = m && m.route; } catch (e) { /* any path */ }
    drain(req);
    sendError(req, res, new ApiError(405, 'MethodNotAllowedException',
      `Method ${method} is not allowed`), { Allow: allowFor(route) });
    return;
  }

  let target;
  try {
    target = parseTarget(req.url);
  } catch (e) {
    drain(req);
    return sendError(req, res, e instanceof ApiError ? e : badRequest('Invalid request target'));
  }
  const m = matchRoute(target.segments);
  if (!m) {
    drain(req);
    return sendError(req, res, notFound('Resource not found'));
  }
  const handler = m.route.methods[method];
  if (!handler) {
    drain(req);
    return sendError(req, res, new ApiError(405, 'MethodNotAllowedException',
      `Method ${method} is not allowed on this resource`), { Allow: allowFor(m.route) });
  }

  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
    return payloadTooLarge(req, res);
  }
  const chunks = [];
  let size = 0;
  let done = false;
  req.on('data', (chunk) => {
    if (done) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      done = true;
      payloadTooLarge(req, res);
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => { done = true; });
  req.on('end', () => {
    if (done) return;
    done = true;
    const ctx = { params: m.params, query: target.query, body: Buffer.concat(chunks), requestId };
    let result;
    try {
      result = handler(ctx);
    } catch (e) {
      if (e instanceof ApiError) return sendError(req, res, e);
      process.stderr.write(`internal error: ${e && e.stack}\n`);
      return sendError(req, res, new ApiError(500, 'InternalServerErrorException', 'Internal server error'));
    }
    send(req, res, result[0], result[1]);
  });
}

function drain(req) { req.resume(); }

function payloadTooLarge(req, res) {
  // We stop reading the body, so the connection cannot be reused: close it after answering.
  res.shouldKeepAlive = false;
  req.pause();
  sendError(req, res, new ApiError(413, 'PayloadTooLargeException',
    `Request body exceeds ${MAX_BODY_BYTES} bytes`));
  const sock = req.socket;
  res.on('finish', () => { setTimeout(() => sock.destroy(), 2000).unref(); });
}

// Raw response on a socket the HTTP parser gave up on (malformed request, unknown
// method, oversized headers, timeouts). Same error format, chunked body, then close.
function rawError(socket, status, type, message) {
  if (!socket.writable || socket.destroyed) { socket.destroy(); return; }
  const requestId = crypto.randomUUID();
  const body = Buffer.from(JSON.stringify({ Message: message, RequestID: requestId }), 'utf8');
  const head = `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n` +
    `Date: ${new Date().toUTCString()}\r\n` +
    'Content-Type: application/json\r\n' +
    `x-amzn-RequestId: ${requestId}\r\n` +
    `x-amzn-ErrorType: ${type}\r\n` +
    (status === 405 ? 'Allow: \r\n' : '') +
    'Transfer-Encoding: chunked\r\n' +
    'Connection: close\r\n\r\n';
  socket.end(Buffer.concat([
    Buffer.from(head + body.length.toString(16) + '\r\n', 'latin1'), body, Buffer.from('\r\n0\r\n\r\n', 'latin1'),
  ]));
  setTimeout(() => socket.destroy(), 2000).unref();
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = http.createServer({
    requestTimeout: 30000,
    requireHostHeader: false, // checked in handle() so the 400 carries a MessageBody
    headersTimeout: 10000,
    maxHeaderSize: 16384,
  }, (req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      process.stderr.write(`internal error: ${e && e.stack}\n`);
      try {
        if (!res.locals) res.locals = { requestId: crypto.randomUUID() };
        sendError(req, res, new ApiError(500, 'InternalServerErrorException', 'Internal server error'));
      } catch (e2) { res.destroy(); }
    }
  });
  server.keepAliveTimeout = 1000;

  server.on('clientError', (err, socket) => {
    if (err && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) { socket.destroy(); return; }
    if (socket._httpMessage && socket._httpMessage.headersSent) { socket.destroy(); return; }
    // An unknown but well-formed method token (RFC 9110 §9.1: method = token) is a
    // method we do not allow; anything else (e.g. a TLS handshake) is a bad request.
    const raw = err && err.rawPacket ? err.rawPacket.toString('latin1') : '';
    if (err && err.code === 'HPE_INVALID_METHOD' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ /.test(raw)) {
      rawError(socket, 405, 'MethodNotAllowedException', 'Method not allowed');
    } else if (err && (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT')) {
      rawError(socket, 400, 'BadRequestException', 'Request timed out');
    } else if (err && err.code === 'HPE_HEADER_OVERFLOW') {
      rawError(socket, 400, 'BadRequestException', 'Request line or headers too large');
    } else {
      rawError(socket, 400, 'BadRequestException', 'Malformed HTTP request');
    }
  });
  // CONNECT would otherwise make Node drop the socket without an answer.
  server.on('connect', (req, socket) => {
    rawError(socket, 405, 'MethodNotAllowedException', 'Method CONNECT is not allowed');
  });
  // Any Expect other than 100-continue: Node would answer 417 without a body.
  server.on('checkExpectation', (req, res) => {
    res.locals = { requestId: crypto.randomUUID() };
    drain(req);
    sendError(req, res, badRequest('Unsupported Expect header'));
  });

  server.on('error', (err) => {
    process.stderr.write(`server error: ${err.message}\n`);
    process.exit(1);
  });

  server.listen(opts.port, opts.host, () => {
    const port = server.address().port;
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    process.stdout.write(`listening on http://${host}:${port}\n`);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => { server.closeAllConnections(); }, 2000).unref();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
