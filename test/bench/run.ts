// Runs the benchmarks in test/bench (`npm run bench`, `npm run bench -- NAME`, `--json` for one JSON line each).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildServer } from '../helpers/processes.ts';

/** What every benchmark reports: its measure, the baseline measured in the same run, and the target. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  target: string;
  met: boolean;
}

export interface Bench {
  name: string;
  description: string;
  run(): Promise<BenchResult>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
const benches: Bench[] = [];
for (const file of files) benches.push(((await import(pathToFileURL(path.join(here, file)).href)) as { default: Bench }).default);
const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
if (selected.length === 0) {
  console.error(`Không có benchmark nào tên ${wanted.join(', ')}. Có: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

// The benchmarks that start the real server run the compiled one, as `npm start` does.
buildServer();
let allMet = true;
for (const bench of selected) {
  const result = await bench.run();
  allMet &&= result.met;
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`${bench.name}: ${bench.description}`);
    console.log(`  ${result.value} ${result.unit} (baseline ${result.baseline}; ratio ${result.ratio}; target ${result.target}) → ${result.met ? 'met' : 'NOT met'}`);
  }
}
process.exitCode = allMet ? 0 : 1;
