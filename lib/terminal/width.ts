/**
 * Display width in terminal columns, as terminals draw text: per grapheme cluster (what a reader sees as one
 * character), wide East Asian characters and emoji two columns, combining marks and zero-width characters none.
 * Measured by string-width (Unicode's East Asian Width and emoji data); printable ASCII takes a shortcut.
 *
 * @module
 */
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The grapheme clusters of `text`, in order. */
export function* graphemesOf(text: string): Generator<string> {
  for (const { segment } of segmenter.segment(text)) yield segment;
}

/** The columns one grapheme cluster takes (0 for zero-width ones, 2 for wide CJK characters and emoji). */
export function graphemeWidth(grapheme: string): number {
  if (grapheme.length === 1) {
    const code = grapheme.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f) return 1;
  }
  return stringWidth(grapheme);
}

/** The columns `text` takes. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` cut to at most `columns` columns, ending with `…` when cut. */
export function truncateToWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  let kept = '';
  let used = 0;
  for (const grapheme of graphemesOf(text)) {
    const width = graphemeWidth(grapheme);
    if (used + width > columns - 1) break;
    kept += grapheme;
    used += width;
  }
  return `${kept}…`;
}
