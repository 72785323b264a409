export { normalizeLabel, validateOutput, type OutputVerdict } from "./validate-output.js";
