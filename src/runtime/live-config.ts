import { watch, type FSWatcher } from "node:fs";
import { dirname, basename } from "node:path";
import type { Logger } from "../observability/logger.js";
import { buildPriceBook } from "../pricing/price-book.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import type { RouterConfig } from "../config/router-config-schema.js";
import type { LiveConfig } from "../providers/live-config.js";
import { RouterError } from "../errors/router-error.js";

export type ReloadResult = { accepted: true; version: number } | { accepted: false; reason: string };

/**
 * Holds the config in force and swaps it on reload. A new file must parse, price every model, reach
 * every provider and keep the same tiers (queues and workers are per tier: changing the tier list
 * needs a restart); otherwise it is refused with the reason and the old config stays in force.
 */
export class LiveConfigHolder {
  private live: LiveConfig;
  private readonly listeners: ((live: LiveConfig) => void)[] = [];

  constructor(
    initial: Omit<LiveConfig, "version">,
    private readonly load: () => Promise<RouterConfig>,
    private readonly connect: (config: RouterConfig) => ProviderRegistry,
    private readonly logger: Logger,
  ) {
    this.live = { ...initial, version: 1 };
  }

  get current(): LiveConfig {
    return this.live;
  }

  onChange(listener: (live: LiveConfig) => void): void {
    this.listeners.push(listener);
  }

  async reload(trigger: string): Promise<ReloadResult> {
    let next: LiveConfig;
    try {
      const config = await this.load();
      const tiers = (c: RouterConfig) => c.tiers.map((tier) => tier.name).join(", ");
      if (tiers(config) !== tiers(this.live.config)) {
        throw new RouterError(
          "config",
          `the tier list changed (${tiers(this.live.config)} → ${tiers(config)}); restart the workers to apply it`,
        );
      }
      next = { config, priceBook: buildPriceBook(config), providers: this.connect(config), version: this.live.version + 1 };
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.error({ trigger, reason, version: this.live.version }, "config reload refused; the previous config stays in force");
      return { accepted: false, reason };
    }
    this.live = next;
    this.logger.info({ trigger, version: next.version }, "config reloaded");
    for (const listener of this.listeners) listener(next);
    return { accepted: true, version: next.version };
  }
}

/**
 * Calls `onChange` when the file changes. Watches the directory, not the file: a Kubernetes ConfigMap
 * update swaps a symlink (`..data`) rather than writing the file, and editors replace files by rename.
 */
export function watchConfigFile(path: string, onChange: () => void, debounceMs = 300): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const name = basename(path);
  try {
    watcher = watch(dirname(path), (_event, changed) => {
      if (changed !== null && changed !== name && !changed.startsWith("..")) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on("error", () => {});
  } catch {
    // A directory we cannot watch (rare): SIGHUP still reloads.
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
