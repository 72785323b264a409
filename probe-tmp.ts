import { classifyJob } from "./src/routing/index.js";
import { loadDefaultConfig, TICKET, CODE_REVIEW, NEWS_ARTICLE } from "./test/unit/routing/fixtures.js";
const c = loadDefaultConfig();
for (const [kind, prompt] of [["classify", TICKET],["generate", CODE_REVIEW],["summarize", NEWS_ARTICLE],["generate", NEWS_ARTICLE],["summarize","x ".repeat(1_000_000)]] as const) {
  const d = classifyJob({ kind, prompt, ...(kind==="classify"?{labels:["a","b"]}:{}) } as any, c);
  console.log(kind, prompt.length, d.score.toFixed(3), d.tier, d.reason, JSON.stringify(d.signals));
}
