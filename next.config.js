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
}

export default nextConfig
