// responses-rx/terminal: the terminal renderer (TTY width, colour, `process.stdout`). Node only, so kept out of the
// main entry that browser apps bundle.
export {
  TerminalRenderer,
  renderTranscript,
  renderToString,
  isColorEnabled,
  type TerminalSink,
  type TerminalLabels,
  type TerminalRendererOptions,
  type RenderTranscriptOptions,
} from './renderer';
