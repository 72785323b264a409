/** A series' total across its label sets on a Prometheus text page (counters and gauges alike). */
export function seriesTotal(page: string, name: string): number {
  return page
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

/** The same, read from a worker's /metrics on its health port. */
export async function workerSeriesTotal(healthPort: number | string, name: string): Promise<number> {
  return seriesTotal(await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text(), name);
}
