/**
 * SARIF 2.1.0 output for `check` and `lint`, so that CI systems (GitHub code scanning, GitLab,
 * Azure DevOps) can annotate ruleset files: one reporting rule per finding code, results with
 * physical locations in the ruleset file (line and column in UTF-16 code units, the SARIF
 * default) and the rule's JSON path as a logical location.
 *
 * @module
 */
import { describeCode, type Finding } from './findings.js';

/** The tool's name and version for `tool.driver`. */
export interface ToolInfo {
  name: string;
  version: string;
  informationUri?: string;
}

/** Encodes a relative path as a URI reference (keeps `/`, escapes spaces and the like). */
function uriOf(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Builds a SARIF log with one run. */
export function toSarif(findings: readonly Finding[], tool: ToolInfo): Record<string, unknown> {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const rules = codes.map((code) => {
    const first = findings.find((f) => f.code === code)!;
    return {
      id: code,
      name: code.replace(/(^|-)([a-z0-9])/g, (_, __, ch: string) => ch.toUpperCase()),
      shortDescription: { text: describeCode(code) },
      defaultConfiguration: { level: first.level },
      helpUri: 'https://developers.cloudflare.com/ruleset-engine/rules-language/',
    };
  });
  const artifacts = [...new Set(findings.flatMap((f) => (f.file !== undefined ? [f.file] : [])))];
  const results = findings.map((f) => {
    const text = f.snippet !== undefined ? `${f.message}\n\n${f.snippet}` : f.message;
    const location: Record<string, unknown> = {};
    if (f.file !== undefined) {
      location.physicalLocation = {
        artifactLocation: { uri: uriOf(f.file), index: artifacts.indexOf(f.file) },
        ...(f.region !== undefined && {
          region: {
            startLine: f.region.start.line,
            startColumn: f.region.start.column,
            endLine: f.region.end.line,
            endColumn: Math.max(f.region.end.column, f.region.end.line === f.region.start.line ? f.region.start.column + 1 : 1),
          },
        }),
      };
    }
    if (f.path !== undefined || f.rule !== undefined) {
      location.logicalLocations = [
        {
          ...(f.rule !== undefined && { name: f.rule }),
          ...(f.path !== undefined && { fullyQualifiedName: f.path }),
          kind: 'member',
        },
      ];
    }
    const properties: Record<string, unknown> = {};
    if (f.rule !== undefined) properties.rule = f.rule;
    if (f.input !== undefined) properties.input = f.input;
    if (f.expression !== undefined) properties.expression = f.expression;
    return {
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code),
      level: f.level,
      message: { text },
      ...(Object.keys(location).length > 0 && { locations: [location] }),
      ...(Object.keys(properties).length > 0 && { properties }),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            ...(tool.informationUri !== undefined && { informationUri: tool.informationUri }),
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        artifacts: artifacts.map((file) => ({ location: { uri: uriOf(file) }, mimeType: file.endsWith('.json') ? 'application/json' : 'text/plain' })),
        results,
      },
    ],
  };
}
