// Read every Parquet download back with DuckDB and print each file's
// column types and row count as JSON.
import { DuckDBInstance } from "@duckdb/node-api";
const files = process.argv.slice(2);
const db = await DuckDBInstance.create(":memory:");
const con = await db.connect();
const out = {};
for (const f of files) {
  const desc = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${f.replace(/'/g, "''")}')`);
  const types = {};
  for (const r of desc.getRowObjects()) types[r.column_name] = String(r.column_type);
  const n = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${f.replace(/'/g, "''")}')`);
  out[f.split("/").pop()] = { types, rows: Number(n.getRowObjects()[0].n) };
}
console.log(JSON.stringify(out));
