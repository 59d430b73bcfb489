// `npm run lint` runs this over the src of every package and example: no module may import itself
// in a circle, through any chain of imports, type-only ones included.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle: cut the cycle with an interface or a callback.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Workspace packages resolve to their built output: a cycle is judged inside each package's src.
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
