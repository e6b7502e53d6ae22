/** The extensions API Sentinel reads in OpenAPI documents: the author's decisions about its findings. */

/** `x-api-sentinel-public: <reason>` on an operation or path item: public on purpose. */
export const PUBLIC_KEY = 'x-api-sentinel-public';
/** `x-api-sentinel-ignore: { rule-id: reason }` suppresses findings on the object and below it. */
export const IGNORE_KEY = 'x-api-sentinel-ignore';
