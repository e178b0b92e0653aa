// A chat page on responses-rx: streamResponse -> toTranscript -> the DOM, nothing else.
//
// Query parameters: api (the Responses API root, default the embedded server's http://127.0.0.1:8787/v1), model, and
// prompt (asked as soon as the page loads).
import { streamResponse } from 'responses-rx/http';
import { toTranscript } from 'responses-rx/transcript';

const params = new URLSearchParams(location.search);
const api = params.get('api') ?? 'http://127.0.0.1:8787/v1';
const model = params.get('model') ?? 'demo-turn-1';

const form = document.querySelector('#ask');
const promptInput = document.querySelector('#prompt');
const stopButton = document.querySelector('#stop');
const main = document.querySelector('#transcript');
const errorLine = document.querySelector('#error');
document.querySelector('#api').textContent = api;

/** The transcript so far, so the next question continues it as its next turn. */
let transcript;
let subscription;

function ask(prompt) {
  subscription?.unsubscribe();
  errorLine.hidden = true;
  const body = {
    model,
    input: prompt,
    ...(transcript?.responseId ? { previous_response_id: transcript.responseId } : {}),
  };
  subscription = streamResponse(body, { baseURL: api })
    .pipe(toTranscript({ ...(transcript ? { initial: transcript } : {}), onError: 'complete' }))
    .subscribe({
      next: (update) => {
        transcript = update.transcript;
        render(update.transcript);
      },
      complete: () => {
        stopButton.disabled = true;
      },
    });
  stopButton.disabled = false;
}

/** One element per cell, created once and updated in place; cells of a turn shown in output order. */
const elements = new Map();

function render(state) {
  main.dataset.status = state.status;
  const cells = [...state.cells].sort(
    (a, b) => a.turn - b.turn || (a.outputIndex ?? Infinity) - (b.outputIndex ?? Infinity),
  );
  for (const [position, cell] of cells.entries()) {
    let element = elements.get(cell.key);
    if (element === undefined) {
      element = document.createElement('section');
      element.className = 'cell';
      element.append(document.createElement('h3'), document.createElement('p'));
      elements.set(cell.key, element);
    }
    element.dataset.kind = cell.kind;
    element.dataset.status = cell.status;
    element.dataset.recovered = String(cell.recovered);
    element.querySelector('h3').textContent = cell.kind === 'toolCall' ? `tool · ${cell.name}` : cell.kind;
    element.querySelector('p').textContent = cell.kind === 'toolCall' ? cell.arguments : (cell.text ?? '');
    if (main.children[position] !== element) main.insertBefore(element, main.children[position] ?? null);
  }
  if (state.status === 'errored') {
    const { error } = state;
    errorLine.textContent = `${error?.message ?? String(error)}${error?.code ? ` [${error.code}]` : ''}`;
    errorLine.hidden = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (promptInput.value.trim() !== '') ask(promptInput.value);
});
stopButton.addEventListener('click', () => {
  subscription?.unsubscribe();
  stopButton.disabled = true;
});
// Leaving the page unsubscribes, which aborts the request: the server sees the connection close.
addEventListener('pagehide', () => subscription?.unsubscribe());

if (params.has('prompt')) {
  promptInput.value = params.get('prompt');
  ask(promptInput.value);
}
