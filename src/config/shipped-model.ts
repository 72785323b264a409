import { fileURLToPath } from "node:url";

/**
 * The trained router shipped with the package (`models/router.json`, built by `npm run train:shipped`
 * from the shared development set): what `classifier: trained` scores with when no `modelFile` is
 * named. Found next to the package (src/ or dist/, both one level below the root), not the cwd.
 */
export const SHIPPED_MODEL_FILE = fileURLToPath(new URL("../../models/router.json", import.meta.url));
