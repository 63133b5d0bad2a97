import { describe, expect, it } from 'vitest';
import { configJsonSchema, scenarioJsonSchema } from '../../src/scenario/index.js';

type Schema = { properties?: Record<string, Schema>; required?: string[]; additionalProperties?: boolean; items?: Schema; enum?: unknown[]; default?: unknown };

describe('JSON schemas', () => {
  it('describe the scenario input: required keys, closed objects, enums and defaults', () => {
    const schema = scenarioJsonSchema() as Schema;
    expect(schema.required).toEqual(['name', 'phases']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties!)).toEqual(['name', 'description', 'collection', 'ingest', 'phases', 'warmup', 'faults', 'slo', 'verify', 'metrics', 'availability', 'recovery']);
    const collection = schema.properties!.collection;
    expect(collection.properties!.metric.enum).toEqual(['L2', 'IP', 'COSINE']);
    expect(collection.properties!.dim.default).toBe(128);
    const phase = schema.properties!.phases.items!;
    expect(Object.keys(phase.properties!)).toEqual(['name', 'duration', 'concurrency', 'rate', 'rampTo', 'maxInFlight', 'operations', 'timeout', 'maxRequests']);
    expect(phase.required).toEqual(['duration']);
    const fault = schema.properties!.faults.items!;
    expect(fault.properties!.action.enum).toEqual(['kill', 'stop', 'start', 'restart', 'pause', 'partition', 'delay', 'exec']);
  });

  it('describe the config input', () => {
    const schema = configJsonSchema() as Schema;
    expect(Object.keys(schema.properties!)).toEqual(['target', 'local', 'workers', 'reportDir', 'slo', 'faults']);
    expect(schema.properties!.target.properties!.address.default).toBe('local');
    expect(schema.properties!.faults.properties!.backend.enum).toEqual(['local', 'docker', 'kubernetes', 'chaos-mesh', 'process', 'none']);
  });
});
