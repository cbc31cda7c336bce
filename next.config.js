// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // several working copies of the build can live side by side (e.g. two people testing at once)
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // `npm run typecheck` checks the whole project (server, training, tests) as its own step of
  // `npm test`; checking again inside every build only doubles the build time.
  typescript: { ignoreBuildErrors: true },
  // Server-only packages that must not be bundled (they load native or wasm files at run time).
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/client',
    '@prisma/adapter-pg',
    '@prisma/driver-adapter-utils',
    'pg',
    'ioredis',
  ],
  // Hardening headers on every answer (issue 22). The CSP names what cannot break the app: no
  // framing by other sites (clickjacking), no plugins, no <base> or form posts elsewhere. Scripts
  // are not restricted here: Next's inline bootstrap and tfjs' WebAssembly would need nonces.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'" },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ]
  },
}

export default nextConfig
