// Parses asyncapi.yaml with the official AsyncAPI parser (@asyncapi/parser, a devDependency installed by npm ci) and
// prints one JSON line: the parser's diagnostics (severity 0 = error, 1 = warning, 2 = info, 3 = hint) and "stray
// keys" — keys with a null value where a schema is described, the trace of a YAML flow mapping whose unquoted text
// held a comma ({ description: The other participant, who sent it. } makes a key "who sent it.").
// Usage: node tests/node/asyncapi-parse.mjs [file]   (ContractLintTests runs it).
import { Parser, fromFile } from '@asyncapi/parser';

const file = process.argv[2] ?? 'asyncapi.yaml';
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, file).parse();

const strayKeys = [];
// Values of these keys are data, where null is a real value, not a schema keyword.
const dataKeys = new Set(['example', 'examples', 'default', 'const', 'enum', 'value']);
const seen = new Set();
function walk(node, path) {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  for (const [key, value] of Object.entries(node)) {
    if (dataKeys.has(key)) continue;
    if (value === null && !Array.isArray(node)) strayKeys.push(`${path}/${key}`);
    walk(value, `${path}/${key}`);
  }
}
if (document) walk(document.json(), '');

console.log(JSON.stringify({
  parsed: document !== undefined,
  diagnostics: diagnostics.map(d => ({ severity: d.severity, code: d.code, path: d.path.join('.'), message: d.message })),
  strayKeys,
}));
