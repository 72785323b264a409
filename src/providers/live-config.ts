import type { RouterConfig } from "../config/router-config-schema.js";
import type { PriceBook } from "../pricing/price-book.js";
import type { ProviderRegistry } from "./provider-registry.js";

// Declared here, not beside the holder in runtime/, because every stage reads it and stages sit
// below runtime: this is the lowest folder that sees all three parts.
/** Everything a worker derives from the tiers file: swapped as one piece, so a job never sees half a reload. */
export interface LiveConfig {
  config: RouterConfig;
  priceBook: PriceBook;
  providers: ProviderRegistry;
  /** 1 at start, +1 per accepted reload. */
  version: number;
}
