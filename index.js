// n8n does not load this file: it reads the `n8n` section of package.json and loads the compiled
// nodes and credentials listed there from dist/. This main module exists so that
// `require('n8n-nodes-concur')` resolves; it exports nothing.
module.exports = {};
