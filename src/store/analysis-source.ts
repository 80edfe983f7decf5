import { openPgAnalysisReader } from './postgres/analysis-reader.js';
import { openSqliteAnalysisReader } from './sqlite/analysis-reader.js';
import type { AnalysisReader } from './store.js';

/**
 * Where the analysis worker reads from, as plain data that can cross into a worker thread:
 * each store says what it is (Store.analysisSource), and only this factory knows how to open it.
 */
export type AnalysisSource = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

export function openAnalysisReader(source: AnalysisSource): AnalysisReader {
  switch (source.engine) {
    case 'sqlite':
      return openSqliteAnalysisReader(source.file);
    case 'postgres':
      return openPgAnalysisReader(source.url);
  }
}
