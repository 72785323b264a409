import type { TestProject } from "vitest/node";
import { createTemplateDatabase } from "./postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated database every test database is cloned from (see postgres.ts). */
    templateDatabase: string;
  }
}

/**
 * Runs once per `vitest run`, before any test file: migrates one template database, so each test
 * file clones it (a file copy) instead of replaying every migration itself. Dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = await createTemplateDatabase();
  project.provide("templateDatabase", template.name);
  return () => template.drop();
}
