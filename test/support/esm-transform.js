// Jest runs the api in-process under its CommonJS runtime, which cannot load ES modules. The OpenID Connect
// client (openid-client) and the two packages under it (oauth4webapi, jose) ship only ESM, so Jest turns just those
// files into CommonJS with TypeScript's transpiler (no type checking); everything else in node_modules is left as is.
// Node itself loads them as ESM (the built api requires them, which Node >= 20.19 allows). See README, development notes.
const { createHash } = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  allowJs: true,
  esModuleInterop: true,
  sourceMap: false,
};

module.exports = {
  process(source, filename) {
    return { code: ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(`esm-transform-1\0${ts.version}\0${filename}\0${source}`).digest('hex');
  },
};
