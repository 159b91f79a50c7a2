// Bundles the console, the chat widget, the SDK and the embed launcher into OUT_DIR (first
// argument, default dist/). Bundles that pages load get a content hash in their file name, so
// the server can cache them for a year. manifest.json maps each logical name to the hashed
// file. embed.js keeps its name because third-party pages link to it.
import { build } from "esbuild";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(webDir, "dist"));

const common = {
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome109", "firefox115", "safari15"],
  legalComments: "none",
  logLevel: "warning",
};

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const hashed = await build({
  ...common,
  entryPoints: {
    console: path.join(webDir, "src/console/main.js"),
    "console-style": path.join(webDir, "src/console/console.css"),
    widget: path.join(webDir, "src/widget/main.js"),
    "widget-style": path.join(webDir, "src/widget/widget.css"),
    sdk: path.join(webDir, "src/sdk/global.js"),
  },
  entryNames: "[name]-[hash]",
  outdir: outDir,
  metafile: true,
});

await build({
  ...common,
  entryPoints: { embed: path.join(webDir, "src/embed/embed.js") },
  entryNames: "[name]",
  outdir: outDir,
});

const manifest = {};
for (const [output, info] of Object.entries(hashed.metafile.outputs)) {
  if (!info.entryPoint) {
    continue;
  }
  const file = path.basename(output);
  const logical = file.replace(/-[A-Z0-9]+(\.[a-z]+)$/, "$1").replace("-style.css", ".css");
  manifest[logical] = file;
}
manifest["embed.js"] = "embed.js";
await writeFile(path.join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

const files = (await readdir(outDir)).sort();
console.log(`web bundle written to ${outDir}: ${files.join(" ")}`);
