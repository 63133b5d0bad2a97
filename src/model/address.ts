// The one reading of a target address: `host:port`, `http(s)://[user:password@]host[:port]` or
// `grpc(s)://[user:password@]host[:port]` (https and grpcs mean TLS), plus token or user/password from the config or
// the environment. The SDK connection, the load's channels and the reports all take its result.

/** What the forms allowed look like, for the one-line error of a bad --target or target.address. */
export const ADDRESS_FORMS = '"local", host:port such as "milvus:19530", http(s)://host[:port] or grpc(s)://host[:port] (https and grpcs use TLS)';

/** The one-line problem of a string that is none of the forms, without its credentials. */
export function notAnAddress(text: string): string {
  return `"${redactAddress(text)}" is not an address (allowed: ${ADDRESS_FORMS})`;
}

export interface TargetAddress {
  /** e.g. `milvus.example`, `10.0.0.5` or `[::1]` (brackets kept: it is joined with the port as is) */
  host: string;
  port: number;
  /** `host:port`, what gRPC dials */
  hostPort: string;
  tls: boolean;
  /** from `user:password@` in the address */
  username?: string;
  password?: string;
  /** the address as given, `user:password@` replaced by `***@`: the only form that reaches a message or a report */
  display: string;
}

/** Where and how the SDK and the load's channels reach the target: the address plus the config's TLS and credentials. */
export interface TargetEndpoint {
  /** host:port, no scheme, no credentials */
  address: string;
  tls: boolean;
  token?: string;
  username?: string;
  password?: string;
  database?: string;
  /** the redacted address, for messages */
  display: string;
}

const SCHEME_FORM = /^(https?|grpcs?):\/\/(?:([^\s/@]+)@)?(\[[0-9a-fA-F:.]+\]|[^\s/:@[\]]+)(?::(\d{1,5}))?\/?$/;
const PLAIN_FORM = /^(\[[0-9a-fA-F:.]+\]|[^\s/:@[\]]+):(\d{1,5})$/;
const DEFAULT_PORT = 19530;
const DEFAULT_TLS_PORT = 443;

/** user:password@ in an address never reaches a message or a report. */
export function redactAddress(address: string): string {
  return address.replace(/\/\/[^/@]*@/, '//***@');
}

export function isLocalAddress(address: string): boolean {
  return address.trim().toLowerCase() === 'local';
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** null when `text` is none of the forms (or its port is outside 1..65535). */
export function parseTargetAddress(text: string): TargetAddress | null {
  const trimmed = text.trim();
  const display = redactAddress(trimmed);
  const plain = PLAIN_FORM.exec(trimmed);
  if (plain) return withPort({ host: plain[1]!, tls: false, display }, plain[2]!);
  const url = SCHEME_FORM.exec(trimmed);
  if (!url) return null;
  const tls = url[1] === 'https' || url[1] === 'grpcs';
  const address = withPort({ host: url[3]!, tls, display }, url[4] ?? String(tls ? DEFAULT_TLS_PORT : DEFAULT_PORT));
  if (!address || url[2] === undefined) return address;
  const colon = url[2].indexOf(':');
  const username = decode(colon < 0 ? url[2] : url[2].slice(0, colon));
  const password = colon < 0 ? undefined : decode(url[2].slice(colon + 1));
  if (username === null || password === null) return null;
  return { ...address, ...(username !== '' && { username }), ...(password !== undefined && password !== '' && { password }) };
}

function withPort(base: { host: string; tls: boolean; display: string }, portText: string): TargetAddress | null {
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) return null;
  return { host: base.host, port, hostPort: `${base.host}:${port}`, tls: base.tls, display: base.display };
}

/** 'local' or one of the address forms. */
export function isTargetAddress(address: string): boolean {
  return address === 'local' || parseTargetAddress(address) !== null;
}

/** TLS when the config asks for it or the scheme says so; credentials from the config (or env) win over the address's.
 * null when the address is none of the forms. */
export function resolveEndpoint(cfg: { address: string; tls?: boolean; token?: string; username?: string; password?: string; database?: string }): TargetEndpoint | null {
  const parsed = parseTargetAddress(cfg.address);
  if (!parsed) return null;
  const username = cfg.username ?? parsed.username;
  const password = cfg.password ?? parsed.password;
  return {
    address: parsed.hostPort,
    tls: cfg.tls === true || parsed.tls,
    ...(cfg.token !== undefined && { token: cfg.token }),
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(cfg.database !== undefined && { database: cfg.database }),
    display: parsed.display,
  };
}
