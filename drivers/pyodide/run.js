#!/usr/bin/env node
// stateproof's Python driver under Pyodide (CPython compiled to WebAssembly).
//
//   node drivers/pyodide/run.js VERSION [driver.py's arguments...]
//
// Loads Pyodide VERSION from drivers/pyodide/node_modules/pyodide-VERSION
// (installed by `npm ci --prefix drivers/pyodide`; no network is used),
// copies drivers/python/ into Pyodide's in-memory file system and runs
// driver.py unchanged as __main__, with this process's stdin, stdout and
// stderr as the Python side's. The exit code is the Python one.
//
// Plain CommonJS and node 18 APIs only: Debian 12's nodejs is node 18.
"use strict";

const fs = require("fs");
const path = require("path");

const here = __dirname;
const pythonDriverDir = path.join(here, "..", "python");
const mountPoint = "/stateproof/drivers/python";  // where driver.py lives inside Pyodide

function usage(message) {
  process.stderr.write(`run.js: ${message}\n` +
    "usage: node drivers/pyodide/run.js VERSION [driver.py arguments...]\n");
  process.exit(2);
}

// Stdout is the protocol channel: anything JavaScript logs (Pyodide's own
// loading messages included) goes to stderr instead.
console.log = console.info = console.debug = console.warn = console.error;

// A short sleep without returning to the event loop: Python's reads are
// synchronous calls from inside WebAssembly.
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
}

// Blocking read from fd 0. A pipe the parent set non-blocking answers EAGAIN
// when empty: wait and try again, since Python's read must not return early
// (0 bytes means end of file to it).
function readStdin(buffer) {
  for (;;) {
    try {
      return fs.readSync(0, buffer, 0, buffer.length, null);
    } catch (e) {
      if (e.code === "EAGAIN" || e.code === "EWOULDBLOCK") { sleepMs(2); continue; }
      if (e.code === "EOF") return 0;  // Windows' end of a pipe; harmless elsewhere
      throw e;
    }
  }
}

// Writes all of buffer to fd, at once (the driver flushes after every answer
// and the checker waits for it), retrying on a full non-blocking pipe.
function writeAll(fd, buffer) {
  let done = 0;
  while (done < buffer.length) {
    try {
      done += fs.writeSync(fd, buffer, done, buffer.length - done);
    } catch (e) {
      if (e.code === "EAGAIN" || e.code === "EWOULDBLOCK") { sleepMs(2); continue; }
      if (e.code === "EPIPE" && fd === 1) {
        // The checker went away: nobody is left to answer. driver.py exits 0
        // on BrokenPipeError under CPython; do the same without a traceback.
        process.exit(0);
      }
      throw e;
    }
  }
  return buffer.length;
}

// Copies a host directory into Pyodide's file system (Emscripten's FS),
// leaving out byte-code caches.
function copyTree(FS, from, to) {
  FS.mkdirTree(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === "__pycache__" || entry.name.endsWith(".pyc")) continue;
    const src = path.join(from, entry.name);
    const dst = to + "/" + entry.name;
    if (entry.isDirectory()) copyTree(FS, src, dst);
    else if (entry.isFile()) FS.writeFile(dst, fs.readFileSync(src));
  }
}

// Runs driver.py as `python driver.py ARGS` would: SystemExit's code becomes
// the exit status (None -> 0, an int -> itself, anything else printed to
// stderr -> 1, as CPython's handle_system_exit in Python/pythonrun.c), an
// uncaught exception prints its traceback and gives 1.
const MAIN = `
import runpy, sys, traceback
def _stateproof_main(argv):
    sys.argv = list(argv)
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
        code = 0
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    return code
_stateproof_main
`;

async function main() {
  const [version, ...driverArgs] = process.argv.slice(2);
  if (!version) usage("missing the Pyodide VERSION (e.g. 0.27.7)");
  const indexDir = path.join(here, "node_modules", "pyodide-" + version);
  if (!fs.existsSync(path.join(indexDir, "pyodide.js")))
    usage(`Pyodide ${version} is not installed (no ${indexDir}): ` +
      "add it to drivers/pyodide/package.json and run `npm ci --prefix drivers/pyodide`");

  const { loadPyodide } = require(path.join(indexDir, "pyodide.js"));
  const pyodide = await loadPyodide({ indexURL: indexDir + path.sep });

  pyodide.setStdin({ read: readStdin, isatty: false });
  pyodide.setStdout({ write: buf => writeAll(1, buf), isatty: false });
  pyodide.setStderr({ write: buf => writeAll(2, buf), isatty: false });

  copyTree(pyodide.FS, pythonDriverDir, mountPoint);
  const run = pyodide.runPython(MAIN);
  const code = run([mountPoint + "/driver.py", ...driverArgs]);
  run.destroy();
  process.exitCode = code;
}

main().catch(e => {
  process.stderr.write(`run.js: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
