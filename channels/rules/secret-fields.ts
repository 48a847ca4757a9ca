/**
 * Field names that hold a credential (a bot token, an app secret, a password, an API key): such a
 * field is stored encrypted, masked in every response, and edited through a password input in the
 * console. A connector's config schema can also mark a field with `.meta({ secret: true })`.
 */
export const SECRET_FIELD_NAME = /(token|secret|pass(word)?|api_?key|private_?key|credential)$/i;

export const isSecretFieldName = (name: string) => SECRET_FIELD_NAME.test(name);
