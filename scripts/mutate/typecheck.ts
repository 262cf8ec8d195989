/**
 * Type-checks the mutants of a Stryker JSON report after the run, marking those that do not
 * compile `CompileError` (excluded from the score, as Stryker's own checker would). Stryker's
 * TypeScript checker re-checks the program for every mutant and took one of the machine's two
 * cores for the whole run; a language service over src/ (tsconfig.mutate.json) re-checks only the
 * mutated file, in a fraction of a second. A mutant that breaks only a dependent file's types
 * (an inferred return type) passes here: it is then tested, and counted, like any other.
 */
import path from 'node:path';
import ts from 'typescript';
import { applyMutant, type Report } from './report.js';

/** A language service over tsconfig.mutate.json whose file texts `setText` replaces in memory. */
type MutableService = ts.LanguageService & { setText(file: string, text: string): void };

function languageService(files: Map<string, string>): MutableService {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.resolve('tsconfig.mutate.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const versions = new Map<string, number>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => config.fileNames,
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = files.get(f) ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => process.cwd(),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => files.has(f) || ts.sys.fileExists(f),
    readFile: (f) => files.get(f) ?? ts.sys.readFile(f),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host);
  const setText = (file: string, text: string) => {
    files.set(file, text);
    versions.set(file, (versions.get(file) ?? 0) + 1);
  };
  return Object.assign(service, { setText });
}

function errorsOf(service: ts.LanguageService, file: string): string[] {
  return [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, ' '),
  );
}

/** Marks each mutant of `files` (report paths, repository-relative) that does not type-check. */
export function markCompileErrors(files: Report['files']): number {
  const texts = new Map<string, string>();
  const service = languageService(texts);
  let marked = 0;
  for (const [name, file] of Object.entries(files)) {
    const absolute = path.resolve(name);
    const original = file.source;
    service.setText(absolute, original);
    const before = new Set(errorsOf(service, absolute));
    for (const mutant of file.mutants) {
      if (mutant.status === 'CompileError') continue;
      service.setText(absolute, applyMutant(original, mutant));
      const added = errorsOf(service, absolute).filter((e) => !before.has(e));
      if (added.length) {
        mutant.status = 'CompileError';
        mutant.statusReason = added[0]!;
        marked++;
      }
    }
    service.setText(absolute, original);
  }
  return marked;
}
