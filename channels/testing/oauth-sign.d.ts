// oauth-sign ships no types; the fake X API uses its HMAC-SHA1 signer to check requests with an
// implementation independent of the connector's (oauth-1.0a).
declare module "oauth-sign" {
  export function hmacsign(httpMethod: string, baseUri: string, params: Record<string, string | string[]>, consumerSecret: string, tokenSecret?: string): string;
}
