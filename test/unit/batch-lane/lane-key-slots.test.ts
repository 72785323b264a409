import { describe, expect, it } from "vitest";
import { laneKeys } from "../../../src/queue/redis-keys.js";

/** What Redis Cluster hashes a key by: the first non-empty `{…}` in it, else the whole key. */
function hashedPart(key: string): string {
  const open = key.indexOf("{");
  if (open === -1) return key;
  const close = key.indexOf("}", open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

const cheapOpenAi = { tier: "cheap", provider: "openai", model: "gpt-5-mini" };
const cheapAnthropic = { tier: "cheap", provider: "anthropic", model: "claude-haiku-4-5" };
const premium = { tier: "premium", provider: "anthropic", model: "claude-opus-4-7" };

const everyKey = (lane: typeof cheapOpenAi) => {
  const keys = laneKeys("llm-router", lane);
  return [keys.waiting, keys.order, keys.held, keys.claimed, keys.submitterLock, keys.submission("s1"), keys.submissionLock("s1")];
};

describe("batch lane keys in Redis Cluster", () => {
  it("every key of every lane of one tier hashes to one slot, so each lane script (two lanes at a hand-off) is cluster safe", () => {
    const parts = new Set([...everyKey(cheapOpenAi), ...everyKey(cheapAnthropic)].map(hashedPart));
    expect([...parts]).toEqual(["cheap"]);
  });

  it("lanes of different tiers are in different hash tags (they never share a script)", () => {
    expect(hashedPart(laneKeys("llm-router", premium).waiting)).not.toBe(hashedPart(laneKeys("llm-router", cheapOpenAi).waiting));
  });
});
