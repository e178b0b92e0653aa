/**
 * The README as a newcomer uses it: every TypeScript block compiles against the package (strict, as in this repository;
 * an HTML comment `<!-- context: … -->` right before a block declares what the block takes as given), and every
 * `responses-rx` command in a shell block runs with the real bin and exits as its `# exits N` comment says (0 when
 * none). `serve` commands run until they listen, then get Ctrl-C; `ask` talks to an embedded server standing in for
 * the API; `demo` without `--delay` gets `--delay 0` (the pacing only costs time: spec/cli/cli.spec.ts checks its
 * default).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ResponsesServer, createResponsesServer } from 'responses-rx/server';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const exportsMap = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: object }).exports;

interface Block {
  readonly lang: string;
  readonly code: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  readonly context: string;
}

function blocks(): Block[] {
  const found: Block[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!open) {
      if (/^```/.test(lines[i]!)) for (i++; i < lines.length && !/^```/.test(lines[i]!); i++);
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```/.test(lines[i]!); i++) body.push(lines[i]!);
    let before = start - 1;
    while (before > 0 && lines[before]!.trim() === '') before--; // a formatter puts a blank line after the comment
    const context = /^<!-- context: ([\s\S]*?) -->$/.exec(lines[before] ?? '')?.[1] ?? '';
    found.push({ lang: open[1]!, code: body.join('\n'), line: start + 1, context });
  }
  return found;
}

const typescript = blocks().filter((block) => block.lang === 'ts' || block.lang === 'typescript');
const shell = blocks().filter((block) => block.lang === 'sh' || block.lang === 'bash');

// The blocks compile against the built declarations, and the commands run the built bin.
beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
}, 240_000);

describe('README', () => {
  it('has TypeScript and shell examples to check', () => {
    expect(typescript.length).toBeGreaterThan(5);
    expect(shell.length).toBeGreaterThan(0);
  });

  it('compiles every TypeScript block', () => {
    const dir = path.join(root, 'node_modules', '.cache', 'readme-blocks');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = typescript.map((block) => {
      const file = path.join(dir, `line-${block.line}.ts`);
      writeFileSync(file, `${block.context}\n${block.code}\nexport {};\n`);
      return file;
    });
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(root, 'tsconfig.json'),
        compilerOptions: {
          module: 'es2022',
          moduleResolution: 'bundler',
          // What a user compiles against: the package's ES module declarations (dist/), not lib/'s sources.
          paths: Object.fromEntries(
            Object.entries(exportsMap)
              .filter(([subpath]) => subpath !== './package.json')
              .map(([subpath, target]) => [
                `responses-rx${subpath.slice(1)}`,
                [path.join(root, (target as { import: { types: string } }).import.types)],
              ]),
          ),
          noEmit: true,
          noUnusedLocals: false,
          noUnusedParameters: false,
        },
        include: files,
      }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Each error names README.md's line: the block's file is line-<fence line>.ts, and its line 1 is the context.
    const located = output.replace(/\S*line-(\d+)\.ts\((\d+),(\d+)\)/g, (_m, fence: string, row: string) => {
      return `README.md:${Number(fence) + Number(row) - 1}`;
    });
    expect(located).toBe('');
  }, 120_000);
});

/** One command line of a shell block, with the status it should exit with. */
interface Command {
  readonly line: string;
  readonly status: number;
  readonly serve: boolean;
}

function commands(): Command[] {
  const found: Command[] = [];
  for (const block of shell) {
    for (const raw of block.code.split('\n')) {
      const line = raw.replace(/^\$ /, '');
      if (!line.includes('responses-rx ') || /^npm /.test(line)) continue;
      const status = Number(/# exits (\d)/.exec(line)?.[1] ?? 0);
      found.push({ line: line.replace(/\s+#.*$/, ''), status, serve: / serve\b/.test(line) });
    }
  }
  return found;
}

describe('README commands', () => {
  let api: ResponsesServer;
  const bin = `"${process.execPath}" "${path.join(root, 'bin/responses-rx.js')}"`;

  let cwd: string;

  beforeAll(async () => {
    api = await createResponsesServer({ port: 0 });
    // A folder like a user's: the sample recordings, this README, and the answer.sse the README's curl would save.
    cwd = mkdtempSync(path.join(os.tmpdir(), 'responses-rx-readme-'));
    cpSync(path.join(root, 'examples', 'recordings'), path.join(cwd, 'examples', 'recordings'), { recursive: true });
    cpSync(path.join(root, 'README.md'), path.join(cwd, 'README.md'));
    cpSync(path.join(root, 'examples', 'recordings', 'streamed.sse'), path.join(cwd, 'answer.sse'));
  }, 240_000);
  afterAll(async () => {
    await api?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  const run = (command: Command) => {
    let line = command.line.replace(/(npx )?responses-rx (?=demo|replay|serve|ask)/, `${bin} `);
    if (/ demo\b/.test(line) && !/--delay\b/.test(line)) line = `${line} --delay 0`;
    // A serve command gets a free port; ask talks to the embedded server with a placeholder key.
    const script = command.serve ? `exec ${line.replace(/--port \d+/, '')} --port 0` : line;
    const env = {
      ...process.env,
      NO_COLOR: '1',
      OPENAI_BASE_URL: api.url,
      OPENAI_API_KEY: 'readme-test',
      RESPONSES_RX_TEST_UPSTREAM: api.url,
    };
    return spawn('bash', ['-c', script.replace(/https:\/\/\S*\/v1/g, api.url)], { cwd, env });
  };

  it.each(commands().map((command) => [command.line, command] as const))(
    '%s',
    async (_line, command) => {
      const child = run(command);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const exited = new Promise<number | string | null>((resolve) =>
        child.on('close', (status, signal) => resolve(status ?? signal)),
      );
      if (command.serve) {
        for (let i = 0; i < 1000 && !/on http:\/\//.test(stdout) && child.exitCode === null; i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(stdout).toMatch(/on http:\/\//);
        child.kill('SIGINT');
      }
      const status = await exited;
      expect({ status, stderr: status === command.status ? '' : stderr }).toEqual({
        status: command.status,
        stderr: '',
      });
      expect(stderr).not.toMatch(/\n\s+at \S/);
    },
    60_000,
  );
});
