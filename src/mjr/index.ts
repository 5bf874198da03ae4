export { clockRateOf, findExtensionId, KNOWN_CODECS, parseMjrHeaderJson, type MjrHeader, type MjrKind } from './header.js';
export { MjrParser } from './parser.js';
export { parseMjrBytes, readMjrRecordBatches, readMjrRecords } from './read.js';
export type { MjrDataRecord, MjrHeaderRecord, MjrPacketRecord, MjrRecord, MjrSkippedRecord, MjrSkipReason, MjrVersion } from './records.js';
