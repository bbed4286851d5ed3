// Links from a generated guide to the code that produced a step: a file and a function, class or
// method in it. The name is looked up in the file when the guide is generated, so a function
// that moved or was renamed fails the generation instead of leaving a dead link.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A place in the code: `file` from the repository root, `name` declared in it. */
export interface CodeRef {
  readonly file: string;
  readonly name: string;
}

/** Declarations the lookup accepts: a function, class or const, a method, or an arrow-function field. */
function declares(source: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = [
    `^(export )?(async )?function\\*? ${escaped}\\b`,
    `^(export )?(abstract )?class ${escaped}\\b`,
    `^(export )?const ${escaped}\\b`,
    `^  (private |public |protected |static |async |readonly )*\\*?${escaped}[(<]`,
    `^  (private |public |protected |static |readonly )*${escaped} = `,
  ];
  return patterns.some((pattern) => new RegExp(pattern, 'm').test(source));
}

/** The markdown link of `ref` from a page in docs/; throws when the name is not in the file. */
export function codeLink(ref: CodeRef): string {
  let source: string;
  try {
    source = readFileSync(path.join(ROOT, ref.file), 'utf8');
  } catch {
    throw new Error(
      `the guide links to ${ref.file}, which does not exist any more: update the link in scripts/docs/`,
    );
  }
  if (!declares(source, ref.name))
    throw new Error(
      `the guide links to ${ref.name} in ${ref.file}, which no longer declares it: update the link in scripts/docs/`,
    );
  return `[\`${ref.file.replace(/^src\//, '')}\` \`${ref.name}\`](../${ref.file})`;
}
