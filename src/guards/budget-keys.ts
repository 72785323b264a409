/**
 * Every budget key's name, built here and nowhere else. One hash tag (`{budget}`) for all of them:
 * a reservation touches a batch's and a feature's budgets in one script, which Redis Cluster allows
 * only within one slot.
 */
export const budgetKeys = {
  batch: (prefix: string, batchId: string) => `${prefix}:{budget}:batch:${batchId}`,
  featureDay: (prefix: string, feature: string, day: string) => `${prefix}:{budget}:feature:${feature}:day:${day}`,
  featureMonth: (prefix: string, feature: string, month: string) => `${prefix}:{budget}:feature:${feature}:month:${month}`,
  /** The batches that have a budget, for the remaining-budget gauge. */
  budgetedBatches: (prefix: string) => `${prefix}:{budget}:batches`,
};
