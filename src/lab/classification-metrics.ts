/** Threshold-free quality of a probabilistic classifier: ROC AUC, log-loss, Brier score. */

/**
 * Area under the ROC curve for binary labels (label ≥ 0.5 counts as positive), ties counted as
 * half: the Mann–Whitney U statistic. NaN when one class is absent.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, index) => index).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let negatives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    // Tied scores share the mean rank (1-based).
    const meanRank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!]! >= 0.5) {
        positives++;
        rankSum += meanRank;
      } else negatives++;
    }
    start = end + 1;
  }
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean cross-entropy of probabilities against (possibly soft) labels, clipped away from 0 and 1. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < probabilities.length; index++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, probabilities[index]!));
    const y = labels[index]!;
    sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return sum / probabilities.length;
}

export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < probabilities.length; index++) sum += (probabilities[index]! - labels[index]!) ** 2;
  return sum / probabilities.length;
}
