// bench/render's breakdown of one compiled render (the same modules build/scripts/render.js
// runs, in the same order): prints JSON {config, sdks, program, write} in milliseconds of wall time.
//   config:  reading and validating the stack's config (before any SDK loads)
//   sdks:    loading render/run.js, i.e. the Pulumi SDKs and the mocks (the floor's work)
//   program: index.js and every component registering its resources under the mocks
//   write:   turning the recorded resources into the files the render writes (not writing them)
const { join } = require("node:path");
const build = join(__dirname, "..", "build");
const stack = process.argv[2];
const t = [performance.now()];
const { loadStackConfig } = require(join(build, "stacks", "config"));
const { readStackConfig } = require(join(build, "render", "stack-file"));
const config = readStackConfig(stack);
loadStackConfig(stack, config);
t.push(performance.now());
const { runProgram } = require(join(build, "render", "run"));
const { renderFiles } = require(join(build, "render", "write"));
t.push(performance.now());
runProgram(stack, { config }).then((run) => {
  t.push(performance.now());
  renderFiles(run);
  t.push(performance.now());
  const d = (i) => Math.round(t[i + 1] - t[i]);
  process.stdout.write(JSON.stringify({ config: d(0), sdks: d(1), program: d(2), write: d(3) }));
});
