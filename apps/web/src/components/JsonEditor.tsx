import { json, jsonParseLinter } from '@codemirror/lang-json';
import { ensureSyntaxTree } from '@codemirror/language';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Annotation, EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { SyntaxNode } from '@lezer/common';

export interface JsonEditorHandle {
  insert(text: string): void;
  focus(): void;
}

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Problems the api named inside the document: `path` is relative to it (`Statement[0].Action`). */
  problems: { path: string; message: string }[];
  describedBy?: string;
}

/** Marks the editor's own updates from `value`, which are not the user's edits. */
const fromProps = Annotation.define<boolean>();

const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

/** `Statement[0].Condition["aws:SourceIp"]` → ['Statement', 0, 'Condition', 'aws:SourceIp']. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.matchAll(re))
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string)));
  return out;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** Where in the text a JSON path points (the value, or the nearest enclosing one that exists). */
export function locate(state: EditorState, path: string): { from: number; to: number } {
  const tree = ensureSyntaxTree(state, state.doc.length, 500);
  let node: SyntaxNode | null = tree ? (children(tree.topNode).find((n) => VALUE_NODES.has(n.name)) ?? null) : null;
  let found = node ? { from: node.from, to: node.to } : { from: 0, to: Math.min(1, state.doc.length) };
  for (const segment of pathSegments(path)) {
    if (!node) break;
    if (typeof segment === 'string' && node.name === 'Object') {
      const property = children(node).find((p) => {
        const name = p.name === 'Property' ? p.getChild('PropertyName') : null;
        if (!name) return false;
        try {
          return JSON.parse(state.sliceDoc(name.from, name.to)) === segment;
        } catch {
          return false;
        }
      });
      node = property
        ? (children(property)
            .reverse()
            .find((n) => VALUE_NODES.has(n.name)) ?? property)
        : null;
    } else if (typeof segment === 'number' && node.name === 'Array') {
      node = children(node).filter((n) => VALUE_NODES.has(n.name))[segment] ?? null;
    } else node = null;
    if (node) found = { from: node.from, to: node.to };
  }
  return found;
}

/** CodeMirror 6 with JSON highlighting and syntax checks; the api's problems are shown where they point. */
export const JsonEditor = forwardRef<JsonEditorHandle, Props>(function JsonEditor(
  { id, label, value, onChange, problems, describedBy },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const extensions: Extension[] = [
      basicSetup,
      json(),
      linter(jsonParseLinter()),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        id,
        'aria-label': label,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromProps)))
          changed.current(update.state.doc.toString());
      }),
    ];
    view.current = new EditorView({ parent: host.current!, state: EditorState.create({ doc: value, extensions }) });
    return () => view.current?.destroy();
    // The editor owns its text once created; outside changes come through `value` below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, annotations: fromProps.of(true) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics: Diagnostic[] = problems.map((p) => ({
      ...locate(v.state, p.path),
      severity: 'error',
      message: p.message,
      source: 'LabKeys',
    }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [problems]);

  useImperativeHandle(ref, () => ({
    insert(text: string) {
      const v = view.current;
      if (!v) return;
      v.dispatch(v.state.replaceSelection(text));
      v.focus();
    },
    focus: () => view.current?.focus(),
  }));

  return <div className="json-editor" ref={host} />;
});
