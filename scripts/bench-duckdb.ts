/**
 * The benchmark's peer: Table 2 (docs/definitions.md §4) computed in DuckDB SQL, the way a
 * researcher would write it — mid per quote, the last quote of each burst, the last tick per
 * grid step, forward fill over the grid, log-returns, a lagged join and corr(). Run as its own
 * process by `npm run bench`, which times it and checks that its r agrees with leadlag's.
 *
 *   node dist/scripts/bench-duckdb.js SPOT.csv PERP.csv --lags -5..5 [--grid-us 1000]
 *
 * Input: Tardis quote CSV (exchange time `timestamp`, µs). Prints
 * `{"lags":[{"lag":τ,"r":…,"n":…}, …]}` on stdout.
 */
import { parseArgs } from 'node:util';

/** The SQL of Table 2 for one pair of files, a grid step G (µs) and an inclusive lag range. */
export function table2Sql(spot: string, perp: string, gridUs: number, lagFrom: number, lagTo: number): string[] {
  const quotes = (file: string) =>
    `SELECT timestamp::BIGINT AS t, (bid_price + ask_price) / 2 AS p, row_number() OVER () AS rn
       FROM read_csv(${sqlString(file)}, header = true, auto_detect = true)`;
  // One market's grid: ticks (the last row of each burst), the last tick at or before each grid
  // point (bucket ⌈t/G⌉), every grid point from the first bucket to the end, forward filled.
  const grid = (name: string) => `
    CREATE TABLE ${name}_ticks AS SELECT t, arg_max(p, rn) AS p FROM q_${name} GROUP BY t;
    CREATE TABLE ${name}_last AS SELECT CAST(ceil(t / ${gridUs}) AS BIGINT) AS n, arg_max(p, t) AS p FROM ${name}_ticks GROUP BY 1;`;
  return [
    `CREATE TABLE q_a AS ${quotes(spot)};`,
    `CREATE TABLE q_b AS ${quotes(perp)};`,
    grid('a'),
    grid('b'),
    // docs/definitions.md §1 and §4: the span is the overlap; grid points n from ⌈T_start/G⌉ to ⌊T_end/G⌋.
    `CREATE TABLE span AS SELECT
       CAST(ceil(greatest((SELECT min(t) FROM a_ticks), (SELECT min(t) FROM b_ticks)) / ${gridUs}) AS BIGINT) AS n0,
       CAST(floor(least((SELECT max(t) FROM a_ticks), (SELECT max(t) FROM b_ticks)) / ${gridUs}) AS BIGINT) AS n1;`,
    ...['a', 'b'].map(
      (m) => `CREATE TABLE ${m}_grid AS
       SELECT n, ln(last_value(l.p IGNORE NULLS) OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS x
         FROM range((SELECT min(n) FROM ${m}_last), (SELECT n1 FROM span) + 1) g(n) LEFT JOIN ${m}_last l USING (n);`,
    ),
    ...['a', 'b'].map(
      (m) => `CREATE TABLE ${m}_ret AS
       SELECT n, x - lag(x) OVER (ORDER BY n) AS r FROM ${m}_grid
        QUALIFY n > (SELECT n0 FROM span);`,
    ),
    `SELECT tau AS lag, corr(a.r, b.r) AS r, count(*) AS n
       FROM range(${lagFrom}, ${lagTo + 1}) lags(tau)
       JOIN a_ret a ON true
       JOIN b_ret b ON b.n = a.n + tau
      GROUP BY tau ORDER BY tau;`,
  ];
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { lags: { type: 'string', default: '-5..5' }, 'grid-us': { type: 'string', default: '1000' } } });
  const [spot, perp] = positionals;
  const m = /^(-?\d+)\.\.(-?\d+)$/.exec(values.lags!);
  if (!spot || !perp || !m) throw new Error('usage: bench-duckdb SPOT PERP [--lags A..B] [--grid-us G]');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const statements = table2Sql(spot, perp, Number(values['grid-us']), Number(m[1]), Number(m[2]));
  for (const s of statements.slice(0, -1)) await con.run(s);
  const rows = (await con.runAndReadAll(statements.at(-1)!)).getRowObjectsJson();
  process.stdout.write(`${JSON.stringify({ lags: rows.map((r) => ({ lag: Number(r.lag), r: r.r === null ? null : Number(r.r), n: Number(r.n) })) })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`bench-duckdb: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
