import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The OTLP metrics messages, read from the official opentelemetry-proto definitions vendored in
 * proto/ (v1.11.0; see proto/LICENSE), so field numbers and types are the specification's own.
 */
const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => PROTO_ROOT + target;
root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto', { keepCase: false });

const ExportRequest = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
const ExportResponse = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse');

/**
 * google.rpc.Status, the body of an OTLP failure (code, message; details are not sent). Two fields,
 * declared here rather than vendoring googleapis for them.
 */
const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);

/**
 * An ExportMetricsServiceRequest as a plain object in the OTLP JSON shape (lowerCamelCase keys,
 * 64-bit integers as decimal strings, enums as numbers), so both encodings are read by one reader.
 * Throws protobufjs' error for bytes that are not such a message.
 */
export function decodeExportRequest(bytes: Uint8Array): unknown {
  const message = ExportRequest.decode(bytes);
  return ExportRequest.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
}

export function encodeExportResponse(rejectedDataPoints: number, errorMessage: string): Uint8Array {
  const partialSuccess = rejectedDataPoints > 0 || errorMessage ? { rejectedDataPoints, errorMessage } : undefined;
  return ExportResponse.encode(ExportResponse.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

export function encodeStatus(code: number, message: string): Uint8Array {
  return Status.encode(Status.fromObject({ code, message })).finish();
}
