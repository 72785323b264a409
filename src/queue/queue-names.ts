/** Queue names are part of the deployment contract: KEDA scalers and dashboards refer to them. */
export const INTAKE_QUEUE = "intake";
export const tierQueueName = (tier: string) => `tier-${tier}`;

/** Stage names accepted by `worker --stages`: "intake" plus every tier name. */
export const INTAKE_STAGE = "intake";
