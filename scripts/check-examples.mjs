#!/usr/bin/env node
// Type-checks every TypeScript example in README.md and docs/*.md, as written
// there, so that a documentation edit that breaks an example fails
// `npm run typecheck` (and so `npm test` and CI).
//
// Each ```ts block becomes a module of its own in .examples/ (generated,
// gitignored): ESM, so top-level `await` works, with the package's entry
// points ('aspose-cloud-auth', 'aspose-cloud-auth/nestjs', …) mapped to src/
// through tsconfig.examples.json's `paths`. Examples may use a few names
// they do not define (`aspose`, an app's `requireUser`, the imports a
// snippet leaves out): those come from a context in scripts/examples/.
// Every block gets `default.ts`; a block preceded by a comment
//
//   <!-- context: koa -->
//
// gets scripts/examples/koa.ts as well (later contexts win). A block imports
// from its contexts only the names it does not declare itself, so an
// example's own imports and declarations always take precedence. The
// context `expression` is special: the block is an expression (a provider
// object literal, say), checked as `const example = (…);`.
//
// A block may import a module of the example app by relative path
// (`./reports.service.js`): scripts/examples/modules/ holds those, copied
// beside the generated blocks.
//
// A ```ts block that is not meant to compile on its own is marked with
// `<!-- no-check -->` on the line before it; other languages (sh, text, js,
// json) are never checked.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, '.examples');
const CONTEXTS = join(root, 'scripts', 'examples');
const sources = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Every fenced block of `markdown`: its language, first content line (1-based), content, and the marker comment before it. */
function blocks(markdown) {
  const lines = markdown.split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end].startsWith(indent + fence) && lines[end].trim() === fence)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = before >= 0 ? /^\s*<!--\s*(no-check|context:\s*([\w-]+(?:\s*,\s*[\w-]+)*))\s*-->\s*$/.exec(lines[before]) : null;
    found.push({
      lang,
      line: i + 2,
      indent: indent.length,
      code: lines
        .slice(i + 1, end)
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n'),
      noCheck: marker?.[1] === 'no-check',
      contexts: marker?.[2] ? marker[2].split(',').map((c) => c.trim()) : [],
    });
    i = end;
  }
  return found;
}

/** The names a module declares at its top level: imports, variables, functions, classes, types. */
function declaredNames(fileName, code) {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Set();
  const bind = (name) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The names a context module exports, each mapped to whether it is a type only. */
function exportedNames(name) {
  const fileName = join(CONTEXTS, `${name}.ts`);
  let code;
  try {
    code = readFileSync(fileName, 'utf8');
  } catch {
    throw new Error(`unknown example context ${JSON.stringify(name)}: no ${relative(root, fileName)}`);
  }
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Map();
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.set(element.name.text, statement.isTypeOnly || element.isTypeOnly);
    } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      const typeOnly = ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement);
      for (const declared of declaredNames(fileName, statement.getText(file).replace(/^export\s+/, ''))) names.set(declared, typeOnly);
    }
  }
  return names;
}

const contextExports = new Map();
const exportsOf = (name) => {
  if (!contextExports.has(name)) contextExports.set(name, exportedNames(name));
  return contextExports.get(name);
};

// Write one module per block. Beside each markdown file's blocks go the modules
// examples import by relative path (`./reports.service.js` in a spec), from
// scripts/examples/modules/.
rmSync(OUT, { recursive: true, force: true });
const SIBLINGS = join(CONTEXTS, 'modules');
const withSiblings = new Set();
// generated file -> { source, line (markdown line of the block's first line), indent (of the fence), offset (header lines) }
const generated = new Map();
let skipped = 0;
for (const source of sources) {
  for (const block of blocks(readFileSync(join(root, source), 'utf8'))) {
    if (!['ts', 'typescript'].includes(block.lang)) continue;
    if (block.noCheck) {
      skipped++;
      continue;
    }
    const fileName = join(OUT, source.replace(/\.md$/, '').replace(/[/\\]/g, '_'), `line-${block.line}.ts`);
    const expression = block.contexts.includes('expression');
    const own = expression ? new Set() : declaredNames(fileName, block.code);
    // Later contexts win: each name is imported from the last context that exports it.
    const from = new Map();
    for (const context of ['default', ...block.contexts.filter((c) => c !== 'expression')]) {
      for (const [name, typeOnly] of exportsOf(context)) if (!own.has(name)) from.set(name, { context, typeOnly });
    }
    const imports = [];
    for (const context of new Set([...from.values()].map((f) => f.context))) {
      // Types as `type` imports, as an app with isolatedModules and decorator metadata must write them.
      const names = [...from].filter(([, f]) => f.context === context).map(([n, f]) => (f.typeOnly ? `type ${n}` : n));
      const specifier = relative(dirname(fileName), join(CONTEXTS, context)).replaceAll('\\', '/');
      imports.push(
        `import { ${names.sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, ''))).join(', ')} } from '${specifier.startsWith('.') ? specifier : `./${specifier}`}';`,
      );
    }
    const header = [`// Generated by scripts/check-examples.mjs from ${source}:${block.line}: edit the markdown, not this file.`, ...imports];
    const body = expression ? `export const example = (\n${block.code}\n);` : block.code;
    mkdirSync(dirname(fileName), { recursive: true });
    if (!withSiblings.has(dirname(fileName))) {
      withSiblings.add(dirname(fileName));
      for (const sibling of readdirSync(SIBLINGS)) writeFileSync(join(dirname(fileName), sibling), readFileSync(join(SIBLINGS, sibling)));
    }
    writeFileSync(fileName, `${header.join('\n')}\n${body}\nexport {};\n`);
    generated.set(fileName, { source, line: block.line, indent: block.indent, offset: header.length + (expression ? 1 : 0) });
  }
}

// Type-check them all in one program, with tsconfig.examples.json.
const configFile = join(root, 'tsconfig.examples.json');
const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
const program = ts.createProgram({ rootNames: [...generated.keys()], options: config.options });
const diagnostics = ts.getPreEmitDiagnostics(program);

function where(d) {
  if (!d.file) return '';
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
  const origin = generated.get(d.file.fileName);
  if (origin && line >= origin.offset) return `${origin.source}:${origin.line + line - origin.offset}:${origin.indent + character + 1}`;
  return `${relative(root, d.file.fileName)}:${line + 1}:${character + 1}`;
}

function fail(list) {
  for (const d of list) console.error(`${where(d)} error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  console.error(`\n${list.length} error(s) in the examples of ${sources.join(', ')} (the generated modules are in ${relative(root, OUT)}/)`);
  process.exit(1);
}

if (diagnostics.length > 0) fail(diagnostics);
console.log(`examples: ${generated.size} TypeScript blocks type-check (${sources.join(', ')}); ${skipped} marked no-check`);
