import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Database } from "../ledger/db/database.js";
import { listBatches } from "../batches/list-batches.js";
import { openQueues, type BatchControlDeps } from "../batches/batch-queues.js";
import { BatchNotFoundError } from "../batches/find-batch.js";
import { batchStatus } from "../report/query/batch-status.js";
import { buildReport } from "../report/query/report-query.js";
import { renderHtmlReport } from "../report/render/html-report.js";
import { presentedToken, TOKEN_COOKIE, tokensEqual } from "./dashboard-auth.js";
import { offlineBullBoardViews } from "./bull-board-views.js";
import { renderDashboardPage } from "./dashboard-page.js";
import { loadBatchMoney } from "./batch-money.js";
import { batchBudget } from "../report/query/batch-budget.js";
import { createBudgetGuard } from "../guards/budget-guard.js";
import { configuredRates, type RatesLookup } from "../report/query/cache-savings.js";
import { readBatchWaiting, type TierModels } from "../batches/batch-waiting.js";

export interface DashboardDeps extends BatchControlDeps {
  database: Database;
  /** Required of every request when set; the caller insists on it off loopback. */
  token?: string;
  /** Where the dashboard is mounted, e.g. "/dashboard" in the worker's server. Default "" (the root). */
  basePath?: string;
  /** Batches in the table. Default 20. */
  recentBatches?: number;
  /** Batches shown in detail (running first, then the newest). Default 6. */
  detailBatches?: number;
  /** Prices for the cache savings: configuredRates(config) (its overrides). Default: the catalog's. */
  cacheRates?: RatesLookup;
  /** The tiers' models, whose gate state says why a running batch's jobs wait (config.tiers). Default: none (only the jobs' own notes). */
  tierModels?: TierModels;
}

export interface Dashboard {
  /** A plain Node request handler: give it to http.createServer, or call it for the paths under basePath. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

// The page is inline-styled and script-free; Bull Board's UI needs its own scripts and inline styles.
// Nothing may come from elsewhere: the browser enforces it, whatever a future Bull Board page links.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

export async function createDashboard(deps: DashboardDeps): Promise<Dashboard> {
  const basePath = (deps.basePath ?? "").replace(/\/$/, "");
  const queues = openQueues(deps);
  const board = new ExpressAdapter();
  board.setBasePath(`${basePath}/queues`);
  createBullBoard({ queues: queues.all.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })), serverAdapter: board });
  board.setViewsPath(await offlineBullBoardViews());
  const db = deps.database.db;
  // Budgets are read only (batchState); the feature caps (scopesFor) are not needed here.
  const budgets = createBudgetGuard({ redis: deps.connection, prefix: deps.prefix, budgets: () => ({}) });
  const rates = deps.cacheRates ?? configuredRates();
  const money = (id: string, done: boolean) => loadBatchMoney(db, budgets, rates, id, done);
  const waitingDeps = {
    redis: deps.connection,
    prefix: deps.prefix,
    tiers: deps.tierModels ?? deps.tiers.map((name) => ({ name, models: [] })),
  };

  const router = express.Router();
  router.use((request: Request, response: Response, next: NextFunction) => {
    response.setHeader("content-security-policy", CSP);
    response.setHeader("x-content-type-options", "nosniff");
    response.setHeader("referrer-policy", "no-referrer");
    response.setHeader("cache-control", "no-store");
    if (deps.token === undefined) return next();
    const query = new URLSearchParams(request.url.split("?")[1] ?? "");
    const given = presentedToken({ authorization: request.headers.authorization, cookie: request.headers.cookie }, query);
    // Nothing about the dashboard (not even which paths exist) to a caller without the token.
    if (given === undefined || !tokensEqual(given, deps.token)) {
      response.status(401).setHeader("www-authenticate", "Bearer").type("text/plain").send("unauthorized");
      return;
    }
    if (query.has("token")) {
      response.cookie(TOKEN_COOKIE, given, { httpOnly: true, sameSite: "strict", path: basePath || "/" });
    }
    next();
  });
  router.get("/", async (_request, response, next) => {
    const generatedAt = new Date();
    try {
      const batches = await listBatches(db, { limit: deps.recentBatches ?? 20 });
      const chosen = [...batches.filter((batch) => batch.queued > 0), ...batches.filter((batch) => batch.queued === 0)].slice(
        0,
        deps.detailBatches ?? 6,
      );
      const details = await Promise.all(
        chosen.map(async (batch) => {
          const status = await batchStatus(db, batch.id, { tierOrder: deps.tiers });
          const waiting = status.done ? undefined : await readBatchWaiting(waitingDeps, batch.id, generatedAt.getTime());
          return { ...status, money: await money(batch.id, status.done), waiting };
        }),
      );
      response.type("html").send(renderDashboardPage({ batches, details, generatedAt, basePath }));
    } catch (error) {
      next(error);
    }
  });
  router.get("/batches/:id/report", async (request, response, next) => {
    try {
      const id = String(request.params.id);
      const status = await batchStatus(db, id);
      const report = await buildReport(
        db,
        ["tier", "model"],
        { batchId: id },
        { insights: true, tierOrder: deps.tiers, cacheRates: rates },
      );
      response.type("html").send(renderHtmlReport(report, { budget: await batchBudget(budgets, id, status.done) }));
    } catch (error) {
      if (error instanceof BatchNotFoundError) response.status(404).type("text/plain").send("no such batch");
      else next(error);
    }
  });
  router.use("/queues", board.getRouter());

  const app = express();
  app.disable("x-powered-by");
  app.use(basePath || "/", router);
  app.use((_request: Request, response: Response) => void response.status(404).type("text/plain").send("not found"));
  // Errors are logged by the caller's process, never shown: the page could leak prompts or SQL.
  app.use(
    (_error: unknown, _request: Request, response: Response, _next: NextFunction) =>
      void response.status(500).type("text/plain").send("internal error"),
  );

  return {
    handle: (request, response) => app(request, response),
    close: () => queues.close(),
  };
}
