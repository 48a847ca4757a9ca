// node-polyglot (react-admin's translator) requires the object.entries polyfill, which brings a
// dozen get-intrinsic/call-bind modules with it; every browser the console supports has
// Object.entries. Swapped in by console/vite.config.ts.
module.exports = Object.entries;
