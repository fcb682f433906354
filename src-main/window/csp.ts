// One Content-Security-Policy for the renderer. main.ts sends it as a response
// header; src-renderer/index.html carries the same policy as a <meta> (a unit
// test keeps the two equal). The page loads nothing remote and talks to the
// main process only through the preload bridge, so connect-src is 'none'.
const META_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
] as const;

/** The policy as written in index.html's <meta http-equiv="Content-Security-Policy">. */
export const CONTENT_SECURITY_POLICY_META = META_DIRECTIVES.join('; ');

/** The policy as a response header: browsers ignore frame-ancestors in a <meta>, so it is only here. */
export const CONTENT_SECURITY_POLICY = [...META_DIRECTIVES, "frame-ancestors 'none'"].join('; ');
