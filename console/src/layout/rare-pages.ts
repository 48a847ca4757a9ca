// react-admin's pages for what rarely happens (an error, a 404, access denied, the SSO return):
// one chunk, loaded when one of them is shown (see App.tsx).
export { AccessDenied, AuthCallback, AuthenticationError, Error, NotFound } from "react-admin";
