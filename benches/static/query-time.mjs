// Times sagasu's static engine in headless Chromium, and counts what a
// first query fetches.
//
//   node benches/static/query-time.mjs BUNDLE [QUERIES] [PAGEFIND_SITE]
//
// BUNDLE is what `sagasu static --out` wrote. It is served as /search/ by
// `python3 -m http.server` (which sends files as they are, without
// Content-Encoding, like GitHub Pages for these files), and Chromium is
// driven through chromedriver (both on PATH). QUERIES is how many queries to
// draw (default 200): words of the bundle's own lexicon (`w/`) of every
// frequency, one in ten with a second word (AND), one in ten a four-character
// substring of a word pair. The same bundle always gives the same queries.
// With PAGEFIND_SITE (a site Pagefind indexed, benches/static/pagefind-site.py),
// the same queries run through Pagefind's API instead, with the data of the
// first 10 results loaded, as sagasu loads its first page of 10 hits.
//
// Cold: for each of the first 30 queries, the browser cache is cleared, the
// page reloaded and the bytes of every bundle file the server sent for the
// query (file sizes, as sent: no Content-Encoding) added up, the engine's
// code separately. Warm: in one page, every query is run
// once, then timed 5 times; the report gives the median and p95 over the
// queries of each query's median time. With PROFILE=1 in the environment,
// a CPU profile of the warm searches follows (the functions that took the
// most time).

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const bundle = resolve(process.argv[2]);
const wanted = Number(process.argv[3] ?? 200);
const pagefind = process.argv[4] && resolve(process.argv[4]);
// One search as a page runs it: sagasu's first page, or Pagefind's results and the data of the first 10.
const searchJs = pagefind
  ? `const m = await import("/pagefind/pagefind.js");
     const one = async (q) => { const r = await m.search(q); await Promise.all(r.results.slice(0, 10).map((x) => x.data())); return r.results.length; };`
  : `const m = await import("/search/sagasu.js");
     const one = async (q) => (await m.search({ q })).total;`;
const served = pagefind ? "/pagefind/" : "/search/";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Queries from the lexicon: [surface, [query, flags, width, count]].
const words = [];
for (const name of readdirSync(join(bundle, "w")).sort()) {
  const bucket = JSON.parse(gunzipSync(readFileSync(join(bundle, "w", name))));
  for (const [surface, entry] of Object.entries(bucket)) {
    // Nouns (flag 8, crates/static/src/lexicon.rs) of two or more characters that some post has.
    if (entry[1] & 8 && entry[3] > 0 && [...surface].length >= 2) words.push([surface, entry[3]]);
  }
}
words.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
let seed = 20091107;
const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const queries = [];
for (let i = 0; i < wanted; i++) {
  const word = words[Math.floor((i / wanted) * words.length)][0];
  const other = words[Math.floor(next() * words.length)][0];
  if (i % 10 === 3) queries.push(`${word} ${other}`);
  else if (i % 10 === 7 && [...(word + other)].length >= 4) queries.push([...(word + other)].slice(1, 5).join(""));
  else queries.push(word);
}

const site = mkdtempSync(join(tmpdir(), "sagasu-bench-"));
if (pagefind) symlinkSync(join(pagefind, "pagefind"), join(site, "pagefind"));
else symlinkSync(bundle, join(site, "search"));
writeFileSync(join(site, "index.html"), "<!doctype html><html lang=ja><meta charset=utf-8><title>bench</title>");
const port = 18000 + Math.floor(Math.random() * 1000);
// python3 -m http.server, which also writes the path and size of each file it sends to served.log.
const log = join(site, "served.log");
const serve = `
import functools, http.server, os, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        f = super().send_head()
        if f is not None and hasattr(f, "fileno"):
            with open(${JSON.stringify(log)}, "a") as out:
                out.write(f"{self.path} {os.fstat(f.fileno()).st_size}\\n")
        return f
    def log_message(self, *args):
        pass
http.server.test(HandlerClass=functools.partial(Handler, directory=sys.argv[2]), port=int(sys.argv[1]), bind="127.0.0.1")
`;
writeFileSync(log, "");
const server = spawn("python3", ["-c", serve, String(port), site], { stdio: "ignore" });
const servedSince = (from) => readFileSync(log, "utf8").split("\n").slice(from).filter(Boolean).map((line) => line.split(" "));
const servedCount = () => readFileSync(log, "utf8").split("\n").filter(Boolean).length;
const driverPort = port + 1000;
const driver = spawn("chromedriver", [`--port=${driverPort}`], { stdio: "ignore" });
await sleep(1500);

const base = `http://127.0.0.1:${driverPort}`;
async function call(method, path, body) {
  const response = await fetch(base + path, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
  const json = await response.json();
  if (json.value?.error) throw new Error(JSON.stringify(json.value));
  return json.value;
}
try {
  const session = await call("POST", "/session", {
    capabilities: { alwaysMatch: { "goog:chromeOptions": { args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] } } },
  });
  const id = session.sessionId;
  const page = `http://127.0.0.1:${port}/`;
  const run = (script, args = []) => call("POST", `/session/${id}/execute/async`, { script, args });
  await call("POST", `/session/${id}/timeouts`, { script: 600000 });

  const cold = [];
  for (const q of queries.slice(0, 30)) {
    await call("POST", `/session/${id}/goog/cdp/execute`, { cmd: "Network.clearBrowserCache", params: {} });
    await call("POST", `/session/${id}/url`, { url: page });
    const before = servedCount();
    const result = await run(
      `const [q, served, done] = arguments;
       (async () => {
         ${searchJs}
         done(await one(q));
       })().catch((e) => done(String(e)));`,
      [q, served],
    );
    if (typeof result !== "number") throw new Error(result);
    const fetched = servedSince(before).filter(([path]) => path.startsWith(served)).map(([path, size]) => [path, Number(size)]);
    const code = ([path]) => path.endsWith(".js") || path.endsWith(".wasm") || path.includes("wasm.");
    const data = fetched.filter((f) => !code(f)).reduce((s, [, n]) => s + n, 0);
    const engine = fetched.filter(code).reduce((s, [, n]) => s + n, 0);
    cold.push({ q, files: fetched.length, data, engine });
  }

  await call("POST", `/session/${id}/url`, { url: page });
  const times = await run(
    `const [queries, done] = arguments;
     (async () => {
       ${searchJs}
       for (const q of queries) await one(q);
       const out = [];
       for (const q of queries) {
         const runs = [];
         let found;
         for (let k = 0; k < 5; k++) {
           const t = performance.now();
           const total = await one(q);
           runs.push(performance.now() - t);
           if (k === 0) found = total;
         }
         runs.sort((a, b) => a - b);
         out.push([q, runs[2], found]);
       }
       done(out);
     })().catch((e) => done(String(e)));`,
    [queries],
  );
  // With PROFILE=1: Chromium's sampling profiler over three more passes of
  // every query, the functions by the time spent in them (self time).
  const profiled = [];
  if (process.env.PROFILE) {
    const cdp = (cmd, params = {}) => call("POST", `/session/${id}/goog/cdp/execute`, { cmd, params });
    await cdp("Profiler.enable");
    await cdp("Profiler.setSamplingInterval", { interval: 100 });
    await cdp("Profiler.start");
    await run(
      `const [queries, done] = arguments;
       (async () => {
         ${searchJs}
         for (let k = 0; k < 3; k++) for (const q of queries) await one(q);
         done(0);
       })().catch((e) => done(String(e)));`,
      [queries],
    );
    const { profile } = await cdp("Profiler.stop");
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map();
    profile.samples.forEach((sample, i) => {
      const { functionName, url, lineNumber } = nodes.get(sample).callFrame;
      const name = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
      self.set(name, (self.get(name) || 0) + (profile.timeDeltas[i] || 0) / 1000);
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    profiled.push(`profile of ${queries.length * 3} searches, ${total.toFixed(0)} ms sampled; self time:`);
    for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      profiled.push(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
    }
  }
  await call("DELETE", `/session/${id}`);

  const pct = (list, p) => list[Math.min(list.length - 1, Math.floor(p * list.length))];
  const ms = times.map(([, t]) => t).sort((a, b) => a - b);
  const data = cold.map((c) => c.data).sort((a, b) => a - b);
  console.log(`queries: ${times.length} warm, ${cold.length} cold`);
  console.log(`warm ms per query: median ${pct(ms, 0.5).toFixed(1)}, p95 ${pct(ms, 0.95).toFixed(1)}, max ${ms.at(-1).toFixed(1)}`);
  console.log(`cold bytes of data (sagasu: index.json.gz + chunks; Pagefind: entry, meta, filters, chunks, fragments): median ${pct(data, 0.5)}, p95 ${pct(data, 0.95)}, max ${data.at(-1)}; engine code (JS, and Pagefind's WebAssembly) ${cold[0].engine}`);
  console.log(`cold files per query: median ${pct(cold.map((c) => c.files).sort((a, b) => a - b), 0.5)}`);
  const heaviest = [...cold].sort((a, b) => b.data - a.data).slice(0, 3);
  console.log(`heaviest cold: ${heaviest.map((c) => `${c.q} (${c.data} bytes, ${c.files} files)`).join("; ")}`);
  const slow = [...times].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`slowest: ${slow.map(([q, t, n]) => `${q} (${t.toFixed(1)} ms, ${n} hits)`).join("; ")}`);
  for (const line of profiled) console.log(line);
} finally {
  driver.kill();
  server.kill();
  rmSync(site, { recursive: true, force: true });
}
