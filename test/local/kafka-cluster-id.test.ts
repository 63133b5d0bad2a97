// Kafka's storage tool reads a cluster id that starts with '-' as an option and refuses to format (seen in CI:
// "argument --cluster-id/-t: expected one argument", 1 start-up in 64). The ids we draw never start with one.
import { describe, expect, it } from 'vitest';
import { newClusterId } from '../../src/local/milvus/kafka.js';

describe('Kafka cluster id', () => {
  it('is 16 random bytes in URL-safe base64 (22 characters) and never starts with "-" (10 000 draws)', () => {
    const ids = Array.from({ length: 10_000 }, () => newClusterId());
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
