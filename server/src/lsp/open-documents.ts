/** The buffers open in the editor, by path (clients spell URIs their own way), with line tables made on first use. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../engine';

export class OpenDocuments {
  private readonly documents = new Map<string, TextDocument>();
  private readonly lineTables = new Map<string, { version: number; lines: LineIndex }>();

  open(file: string, document: TextDocument): void { this.documents.set(file, document); }

  close(file: string): void {
    this.documents.delete(file);
    this.lineTables.delete(file);
  }

  get(file: string): TextDocument | undefined { return this.documents.get(file); }

  has(file: string): boolean { return this.documents.has(file); }

  entries(): [string, TextDocument][] { return [...this.documents]; }

  /** The line table of the open buffer's current text. */
  lines(file: string, document: TextDocument): LineIndex {
    const known = this.lineTables.get(file);
    if (known && known.version === document.version) return known.lines;
    const lines = new LineIndex(document.getText());
    this.lineTables.set(file, { version: document.version, lines });
    return lines;
  }
}
