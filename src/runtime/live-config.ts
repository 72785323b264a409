import { watch, type FSWatcher } from "node:fs";
import { dirname, basename } from "node:path";
import type { Logger } from "../observability/logger.js";
import type { RouterConfig } from "../config/router-config-schema.js";
import { loadClassifier, type IntakeLiveConfig } from "../intake/loaded-classifier.js";
import { buildPriceBook } from "../pricing/price-book.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";

/** The whole live config of a worker: what the tier stages read, and the intake's loaded classifier. */
export type WorkerLiveConfig = IntakeLiveConfig;

/**
 * Everything a worker builds from a config, each a check the config must pass before it may take a
 * job: the classifier (its model file read now), every model priced, every provider reachable.
 */
export function deriveLiveConfig(
  config: RouterConfig,
  connect: (config: RouterConfig) => ProviderRegistry,
): Omit<WorkerLiveConfig, "version" | "config"> {
  return { classifier: loadClassifier(config), priceBook: buildPriceBook(config), providers: connect(config) };
}
import { RouterError } from "../errors/router-error.js";

export type ReloadResult = { accepted: true; version: number } | { accepted: false; reason: string };

/**
 * Holds the config in force and swaps it on reload. A new file must parse, price every model, reach
 * every provider, load its classifier (a trained model file is read again, so a retrained file at
 * the same path applies) and keep the same tiers (queues and workers are per tier: changing the
 * tier list needs a restart); otherwise it is refused with the reason and the old config — with its
 * classifier — stays in force.
 */
export class LiveConfigHolder {
  private live: WorkerLiveConfig;
  private readonly listeners: ((live: WorkerLiveConfig) => void)[] = [];

  constructor(
    initial: Omit<WorkerLiveConfig, "version">,
    private readonly load: () => Promise<RouterConfig>,
    /** Everything built from a config (prices, provider clients, the classifier); throws to refuse it. */
    private readonly derive: (config: RouterConfig) => Omit<WorkerLiveConfig, "version" | "config">,
    private readonly logger: Logger,
  ) {
    this.live = { ...initial, version: 1 };
  }

  get current(): WorkerLiveConfig {
    return this.live;
  }

  onChange(listener: (live: WorkerLiveConfig) => void): void {
    this.listeners.push(listener);
  }

  async reload(trigger: string): Promise<ReloadResult> {
    let next: WorkerLiveConfig;
    try {
      const config = await this.load();
      const tiers = (c: RouterConfig) => c.tiers.map((tier) => tier.name).join(", ");
      if (tiers(config) !== tiers(this.live.config)) {
        throw new RouterError(
          "config",
          `the tier list changed (${tiers(this.live.config)} → ${tiers(config)}); restart the workers to apply it`,
        );
      }
      next = { ...this.derive(config), config, version: this.live.version + 1 };
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
