import pg from "pg";

export interface DumpedRow {
  /** schema.table */
  table: string;
  /** The row as JSON text (row_to_json): every column, as Postgres renders it. */
  text: string;
}

/** Every row of every table and view outside Postgres' own schemas, as JSON text. */
export async function dumpDatabaseRows(url: string): Promise<{ tables: string[]; rows: DumpedRow[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: relations } = await client.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
       where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_toast%'
       order by 1, 2`,
    );
    const dumped: DumpedRow[] = [];
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    for (const { schema, name } of relations) {
      const { rows } = await client.query<{ text: string }>(`select row_to_json(t)::text as text from ${quote(schema)}.${quote(name)} t`);
      for (const row of rows) dumped.push({ table: `${schema}.${name}`, text: row.text });
    }
    return { tables: relations.map(({ schema, name }) => `${schema}.${name}`), rows: dumped };
  } finally {
    await client.end();
  }
}
