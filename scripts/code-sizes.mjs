// Lists files over 400 lines and functions over 80 lines under src/ (the size rule in ARCHITECTURE.md): node scripts/code-sizes.mjs
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const files = execSync("git ls-files 'src/*.ts'", { encoding: 'utf8' }).trim().split('\n');
const big = [],
  fns = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const lines = text.split('\n').length;
  if (lines > 400) big.push([lines, f]);
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
  const visit = (n) => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isConstructorDeclaration(n)) {
      const s = sf.getLineAndCharacterOfPosition(n.getStart()).line,
        e = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (e - s + 1 > 80) {
        const name =
          n.name?.getText?.() ??
          (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : ts.isPropertyAssignment(n.parent) ? n.parent.name.getText() : '<anon>');
        fns.push([e - s + 1, `${f}:${s + 1} ${name}`]);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}
big.sort((a, b) => b[0] - a[0]);
fns.sort((a, b) => b[0] - a[0]);
console.log('FILES > 400');
for (const [n, f] of big) console.log(n, f);
console.log('FUNCTIONS > 80');
for (const [n, f] of fns) console.log(n, f);
