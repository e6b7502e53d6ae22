/** A top-level `openapi:`/`swagger:` key in YAML (column 0), or the key anywhere in JSON. */
const YAML_MARK = /^["']?(?:openapi|swagger)["']?[ \t]*:/m;
const JSON_MARK = /"(?:openapi|swagger)"\s*:/;

/**
 * Whether a text may be an OpenAPI document, without parsing it. The whole text is searched: documents with
 * sorted keys (Stripe's) declare `openapi` tens of thousands of lines down.
 */
export function looksLikeOpenApi(text: string): boolean {
  const first = /\S/.exec(text)?.[0];
  return first === '{' ? JSON_MARK.test(text) : YAML_MARK.test(text);
}
