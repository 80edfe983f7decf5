import { describe, expect, it } from 'vitest';
import { readExportRequest } from '../../src/otlp/model.js';
import { decodeExportRequest, loadOtlpProtos } from '../../src/otlp/proto.js';

const ExportRequest = loadOtlpProtos().lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

/** A protobuf export of one gauge point at each of these times, read back. */
function readTimes(times: bigint[]) {
  const body = {
    resourceMetrics: [
      {
        scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: times.map((t) => ({ timeUnixNano: String(t), asDouble: 1 })) } }] }],
      },
    ],
  };
  const bytes = ExportRequest.encode(ExportRequest.fromObject(body)).finish();
  return readExportRequest(decodeExportRequest(bytes))[0]!.scopes[0]!.metrics[0]!.points;
}

describe('reading a protobuf export', () => {
  it('reads 64-bit times exactly, to the nanosecond and to the whole millisecond', () => {
    const times = [1_796_310_219_370_000_000n, 1_796_310_219_370_999_999n, 1_796_310_219_371_000_000n - 1n, 1_000_000n, 999_999n, 18_446_744_073_709_551_615n, 4_294_967_296_000_000n];
    const points = readTimes(times);
    expect(points.map((p) => p.timeNs)).toEqual(times);
    expect(points.map((p) => p.timeMs)).toEqual(times.map((t) => Number(t / 1_000_000n)));
  });
});
