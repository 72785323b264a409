import { z } from "zod";

/** A USD amount as a decimal string ("12.50") or number; kept as text so it converts to picodollars exactly. */
const usdAmount = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .refine((value) => /^\d+(\.\d{1,12})?$/.test(value), {
    message: "must be a non-negative USD amount with at most 12 decimals, e.g. 25.00",
  });

/** One feature's hard caps. Each period is a calendar period in UTC. Default: no cap for that period. */
export const featureBudgetSchema = z
  .object({
    /** Most the feature may spend per UTC day, across every batch and pod. Default: no daily cap. */
    dailyUsd: usdAmount.optional(),
    /** Most the feature may spend per UTC calendar month. Default: no monthly cap. */
    monthlyUsd: usdAmount.optional(),
  })
  .strict();
export type FeatureBudget = z.infer<typeof featureBudgetSchema>;

/**
 * `budgets:` in the tiers file: feature name → caps. Jobs without a feature, or of a feature not
 * listed, are capped only by their batch's budget (`enqueue --budget-usd`). Default: none.
 */
export const budgetsConfigSchema = z.record(z.string().min(1), featureBudgetSchema).default({});
export type BudgetsConfig = z.infer<typeof budgetsConfigSchema>;
