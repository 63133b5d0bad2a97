// Typed engine errors; the gRPC layer maps `code` to a Milvus status.

export type EngineErrorCode =
  | 'collection_not_found'
  | 'collection_exists'
  | 'invalid_argument'
  | 'invalid_filter'
  | 'index_not_found'
  | 'corrupt_file';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const invalidArgument = (message: string): EngineError => new EngineError('invalid_argument', message);
export const corruptFile = (file: string, problem: string): EngineError =>
  new EngineError('corrupt_file', `${file}: ${problem}`);
