import type { z } from "zod";

/** Renders zod issues as "path: message; path: message", naming each unknown key in its path. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .flatMap((issue) => {
      const path = issue.path.map(String);
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => `${[...path, key].join(".")}: unknown key`);
      }
      // A bad record key's own message ("error keys must be ...") beats zod's generic "Invalid key in record".
      const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      return [path.length > 0 ? `${path.join(".")}: ${message}` : message];
    })
    .join("; ");
}
