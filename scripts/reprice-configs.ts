// Writes the tiers files behind the reprice checks in docs/routing.md: the eval's two tiers
// (config/tiers.yaml's cheapest and top) at every catalog price times FACTOR, with top-tier THRESHOLD.
// Usage: npx tsx scripts/reprice-configs.ts FACTOR THRESHOLD > /tmp/other.yaml
import { stringify } from "yaml";
import { loadRouterConfig } from "../src/config/load-config.js";
import { catalogRates } from "../src/pricing/catalog-rates.js";
import { formatUsd } from "../src/pricing/money.js";

const [factorText = "2", thresholdText = "0.65"] = process.argv.slice(2);
const factor = BigInt(factorText);
const base = await loadRouterConfig("config/tiers.yaml");
// picodollars per token → USD per million tokens (exact: 1 pico/token = 1e-6 USD/Mtok).
const perMtok = (pico: bigint) => formatUsd(pico * factor * 1_000_000n).replace(/\.?0+$/, "");
const tiers = [base.tiers[0]!, base.tiers.at(-1)!].map((tier) => ({
  name: tier.name,
  concurrency: tier.concurrency,
  models: tier.models.map((model) => {
    const rates = catalogRates(model.provider, model.model)!;
    if (rates.input.steps.length > 0) throw new Error(`${model.model}: stepped prices, not handled here`);
    return {
      provider: model.provider,
      model: model.model,
      price: {
        inputMtok: perMtok(rates.input.base),
        outputMtok: perMtok(rates.output.base),
        cacheReadMtok: perMtok(rates.cacheRead.base),
        cacheWriteMtok: perMtok(rates.cacheWrite.base),
        cacheWrite1hMtok: perMtok(rates.cacheWrite1h.base),
      },
    };
  }),
}));
process.stdout.write(stringify({ tiers, routing: { classifier: "heuristic", thresholds: [Number(thresholdText)] } }));
