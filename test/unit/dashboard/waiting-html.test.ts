import { describe, expect, it } from "vitest";
import type { BatchWaiting } from "../../../src/batches/waiting-summary.js";
import { waitingHtml } from "../../../src/dashboard/waiting-html.js";

const NOW = Date.parse("2026-12-03T09:00:00Z");

describe("the dashboard's waiting block", () => {
  it("escapes model and tier names, in the text and in the attributes", () => {
    const waiting: BatchWaiting = {
      deferredJobs: 2,
      sampled: false,
      models: [{ model: `x"><script>alert(1)</script>`, reason: "circuit_open", jobs: 2, until: "2026-12-03T09:00:20.000Z" }],
      blockedTiers: [{ tier: "<b>top</b>", since: "2026-12-03T08:59:50.000Z" }],
      maxWaitMs: { min: 5_000, max: 5_000 },
      longestWaitedMs: 4_000,
    };
    const html = waitingHtml(waiting, NOW);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b><b>top</b></b>");
    expect(html).toContain(`data-model="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`);
    expect(html).toContain("tier <b>&lt;b&gt;top&lt;/b&gt;</b> has had no usable model since 08:59:50Z (10s)");
    expect(html).toContain('circuit open until 09:00:20Z (in 20s)</td><td class="n">2</td>');
  });

  it("says nothing when nothing waits", () => {
    expect(waitingHtml({ deferredJobs: 0, sampled: false, models: [], blockedTiers: [] }, NOW)).toBe("");
  });
});
