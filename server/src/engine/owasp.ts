/** Names of the OWASP API Security Top 10 (2023) categories, for hovers and reports. */
export const OWASP_API_2023: Readonly<Record<string, string>> = {
  'API1:2023': 'Broken Object Level Authorization',
  'API2:2023': 'Broken Authentication',
  'API3:2023': 'Broken Object Property Level Authorization',
  'API4:2023': 'Unrestricted Resource Consumption',
  'API5:2023': 'Broken Function Level Authorization',
  'API6:2023': 'Unrestricted Access to Sensitive Business Flows',
  'API7:2023': 'Server Side Request Forgery',
  'API8:2023': 'Security Misconfiguration',
  'API9:2023': 'Improper Inventory Management',
  'API10:2023': 'Unsafe Consumption of APIs',
};

/** "API1:2023 Broken Object Level Authorization" */
export function owaspTitle(id: string): string {
  const name = OWASP_API_2023[id];
  return name ? `${id} ${name}` : id;
}

/** The category's page in the OWASP API Security Top 10 (2023). */
export function owaspUrl(id: string): string | undefined {
  const m = /^API(\d+):2023$/.exec(id);
  if (!m || !OWASP_API_2023[id]) return undefined;
  const slug = OWASP_API_2023[id].toLowerCase().replace(/ /g, '-');
  return `https://owasp.org/API-Security/editions/2023/en/0xa${m[1] === '10' ? 'a' : m[1]}-${slug}/`;
}
