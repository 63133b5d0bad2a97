// The one address parser: every form the README names, default ports, credentials decoded and never shown, and
// the config's TLS flag and credentials winning over the address's.
import { describe, expect, it } from 'vitest';
import { isTargetAddress, notAnAddress, parseTargetAddress, redactAddress, resolveEndpoint } from '../../src/model/address.js';

describe('parseTargetAddress', () => {
  it('reads host:port and the four schemes, with their default ports', () => {
    expect(parseTargetAddress('127.0.0.1:19530')).toEqual({ host: '127.0.0.1', port: 19530, hostPort: '127.0.0.1:19530', tls: false, display: '127.0.0.1:19530' });
    expect(parseTargetAddress(' milvus:1 ')).toMatchObject({ hostPort: 'milvus:1', display: 'milvus:1' });
    expect(parseTargetAddress('[::1]:19530')).toMatchObject({ host: '[::1]', hostPort: '[::1]:19530' });
    expect(parseTargetAddress('http://milvus.example:80/')).toMatchObject({ hostPort: 'milvus.example:80', tls: false });
    expect(parseTargetAddress('http://milvus.example')).toMatchObject({ hostPort: 'milvus.example:19530', tls: false });
    expect(parseTargetAddress('https://milvus.example')).toMatchObject({ hostPort: 'milvus.example:443', tls: true });
    expect(parseTargetAddress('grpc://milvus.example')).toMatchObject({ hostPort: 'milvus.example:19530', tls: false });
    expect(parseTargetAddress('grpcs://10.0.0.5:19530')).toMatchObject({ hostPort: '10.0.0.5:19530', tls: true });
  });

  it('decodes user:password@ and shows the address only with ***@', () => {
    expect(parseTargetAddress('https://u:p%40ss@h:19530')).toEqual({ host: 'h', port: 19530, hostPort: 'h:19530', tls: true, username: 'u', password: 'p@ss', display: 'https://***@h:19530' });
    expect(parseTargetAddress('grpcs://u:a:b@h:1')).toMatchObject({ username: 'u', password: 'a:b' });
    expect(parseTargetAddress('grpc://only-user@h:1')).toMatchObject({ username: 'only-user' });
    expect(parseTargetAddress('grpc://only-user@h:1')).not.toHaveProperty('password');
  });

  it('rejects what is none of the forms', () => {
    for (const bad of ['', 'milvus', 'tcp://h:1', 'ftp://u:secret@h', 'h:0', 'h:65536', 'http://h:70000', 'http://h:1/path', 'not an address:1', 'u:p@h:1', 'https://u:%zz@h:1', 'local']) {
      expect(parseTargetAddress(bad), bad).toBeNull();
    }
    expect(parseTargetAddress('h:65535')).toMatchObject({ port: 65535 });
  });

  it("admits 'local' only as a target, and names the allowed forms without a password", () => {
    expect(isTargetAddress('local')).toBe(true);
    expect(isTargetAddress('Local')).toBe(false);
    expect(isTargetAddress('grpcs://h')).toBe(true);
    expect(notAnAddress('ftp://u:secret@h')).toBe('"ftp://***@h" is not an address (allowed: "local", host:port such as "milvus:19530", http(s)://host[:port] or grpc(s)://host[:port] (https and grpcs use TLS))');
    expect(redactAddress('http://u:pw@h:1')).toBe('http://***@h:1');
  });
});

describe('resolveEndpoint', () => {
  it('TLS from the scheme or the config; config credentials win over the address', () => {
    expect(resolveEndpoint({ address: 'h:1', tls: true })).toEqual({ address: 'h:1', tls: true, display: 'h:1' });
    expect(resolveEndpoint({ address: 'https://a:b@h:1', tls: false, username: 'root', password: 'c', database: 'd' })).toEqual({
      address: 'h:1', tls: true, username: 'root', password: 'c', database: 'd', display: 'https://***@h:1',
    });
    expect(resolveEndpoint({ address: 'grpc://a:b@h:1' })).toMatchObject({ tls: false, username: 'a', password: 'b' });
    expect(resolveEndpoint({ address: 'h:1', token: 't' })).toMatchObject({ token: 't' });
    expect(resolveEndpoint({ address: 'milvus' })).toBeNull();
  });
});
