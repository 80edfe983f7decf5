import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The OTLP metrics messages, read from the official opentelemetry-proto definitions vendored in
 * proto/ (v1.11.0; see proto/LICENSE), so field numbers and types are the specification's own.
 */
const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

/** The metrics service and every message it uses, whole: the benchmarks and tests encode exports with it. */
export function loadOtlpProtos(): protobuf.Root {
  const loaded = new protobuf.Root();
  loaded.resolvePath = (_origin, target) => PROTO_ROOT + target;
  return loaded.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto', { keepCase: false });
}

const root = loadOtlpProtos();

/**
 * Fields the receiver never reads, dropped from the decoder: a decoder skips a field it does not
 * know without building it. A histogram point's bucket counts alone are 16 64-bit integers,
 * each a Long object; exemplars carry their own attributes.
 */
const UNREAD: Record<string, string[]> = {
  Metric: ['description', 'metadata'],
  NumberDataPoint: ['exemplars', 'flags'],
  HistogramDataPoint: ['bucketCounts', 'explicitBounds', 'exemplars', 'flags', 'min', 'max'],
  ExponentialHistogramDataPoint: ['scale', 'zeroCount', 'positive', 'negative', 'flags', 'exemplars', 'min', 'max', 'zeroThreshold'],
  SummaryDataPoint: ['quantileValues', 'flags'],
};
const UNREAD_ELSEWHERE: Record<string, string[]> = {
  'opentelemetry.proto.common.v1.InstrumentationScope': ['attributes', 'droppedAttributesCount'],
  'opentelemetry.proto.resource.v1.Resource': ['droppedAttributesCount', 'entityRefs'],
};
for (const [name, fields] of [...Object.entries(UNREAD).map(([type, unread]) => [`opentelemetry.proto.metrics.v1.${type}`, unread] as const), ...Object.entries(UNREAD_ELSEWHERE)]) {
  const type = root.lookupType(name);
  for (const field of fields) type.remove(type.fields[field]!);
}

const ExportRequest = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
const ExportResponse = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse');

/**
 * google.rpc.Status, the body of an OTLP failure (code, message; details are not sent). Two fields,
 * declared here rather than vendoring googleapis for them.
 */
const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);

/**
 * An ExportMetricsServiceRequest as protobufjs decodes it: lowerCamelCase fields as the OTLP JSON
 * mapping has them, so one reader (model.ts) reads both encodings; 64-bit integers are Longs, and
 * only the fields sent are own properties. (Converting to a plain object first would cost four
 * times the decoding.) Throws protobufjs' error for bytes that are not such a message.
 */
export function decodeExportRequest(bytes: Uint8Array): unknown {
  return ExportRequest.decode(bytes);
}

export function encodeExportResponse(rejectedDataPoints: number, errorMessage: string): Uint8Array {
  const partialSuccess = rejectedDataPoints > 0 || errorMessage ? { rejectedDataPoints, errorMessage } : undefined;
  return ExportResponse.encode(ExportResponse.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

export function encodeStatus(code: number, message: string): Uint8Array {
  return Status.encode(Status.fromObject({ code, message })).finish();
}
