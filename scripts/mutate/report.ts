/** The parts of a Stryker JSON report (mutation-testing-report-schema) the mutate scripts read. */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Position {
  readonly line: number;
  readonly column: number;
}
export interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  /** Killed, Survived, Timeout, NoCoverage, CompileError, …: typecheck.ts rewrites it. */
  status: string;
  statusReason?: string;
  readonly location: { readonly start: Position; readonly end: Position };
}
export interface Report {
  readonly files: Record<string, { readonly source: string; readonly mutants: Mutant[] }>;
}

/** Offset of a report position (lines and columns 1-based) in `source`. */
function offsetOf(source: string, { line, column }: Position): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = source.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

export function applyMutant(source: string, mutant: Mutant): string {
  const start = offsetOf(source, mutant.location.start);
  const end = offsetOf(source, mutant.location.end);
  return source.slice(0, start) + (mutant.replacement ?? '') + source.slice(end);
}

/** Writes `report` back to its JSON file and into the HTML report beside it (same embedding as Stryker's). */
export function writeReport(jsonFile: string, report: Report): void {
  const json = JSON.stringify(report);
  writeFileSync(jsonFile, json);
  const htmlFile = jsonFile.replace(/\.json$/, '.html');
  const html = readFileSync(htmlFile, 'utf8');
  const start = html.indexOf('app.report = ') + 'app.report = '.length;
  const end = html.indexOf(';\n      function updateTheme', start);
  if (start < 'app.report = '.length || end < 0) throw new Error(`${htmlFile}: no embedded report found`);
  writeFileSync(htmlFile, html.slice(0, start) + json.replace(/</g, '<"+"') + html.slice(end));
}
