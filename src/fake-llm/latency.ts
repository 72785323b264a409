/**
 * How long the fake takes to answer: a fixed number, or a seeded distribution, so a scenario can
 * have the long tail real providers have. The draw comes from the call's own hash (outcome.ts), so
 * a run replays with the same latencies whatever the arrival order.
 */
export type LatencySpec = number | { min: number; max: number } | { p50: number; p99: number };

/** Longest latency any spec may give (10 minutes): a p99 far above p50 must not overflow timers. */
export const MAX_LATENCY_MS = 600_000;

/** z of the 99th percentile of the standard normal. */
const Z_99 = 2.326_347_874;

/**
 * `u` uniform in [0, 1); `maxMs` caps the log-normal tail (batch processing times may reach 24 hours). {min, max}: uniform between them. {p50, p99}: log-normal with that median
 * and 99th percentile (latencies are skewed: most calls near the median, a few far out).
 */
export function drawLatencyMs(spec: LatencySpec, u: number, maxMs = MAX_LATENCY_MS): number {
  if (typeof spec === "number") return spec;
  if ("min" in spec) return Math.round(spec.min + (spec.max - spec.min) * u);
  if (spec.p99 <= spec.p50) return spec.p50;
  const sigma = Math.log(spec.p99 / spec.p50) / Z_99;
  return Math.min(maxMs, Math.round(spec.p50 * Math.exp(sigma * inverseNormal(u))));
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function inverseNormal(u: number): number {
  const p = Math.min(Math.max(u, 1e-12), 1 - 1e-12);
  const a = [
    -39.696_830_286_653_76, 220.946_098_424_520_5, -275.928_510_446_968_7, 138.357_751_867_269, -30.664_798_066_147_16,
    2.506_628_277_459_239,
  ];
  const b = [-54.476_098_798_224_06, 161.585_836_858_040_9, -155.698_979_859_886_6, 66.801_311_887_719_72, -13.280_681_552_885_72];
  const c = [
    -0.007_784_894_002_430_293, -0.322_396_458_041_136_4, -2.400_758_277_161_838, -2.549_732_539_343_734, 4.374_664_141_464_968,
    2.938_163_982_698_783,
  ];
  const d = [0.007_784_695_709_041_462, 0.322_467_129_070_039_8, 2.445_134_137_142_996, 3.754_408_661_907_416];
  const low = 0.024_25;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
