/** The config of one cluster, prod, managing these services by name; further clusters or sections may follow it. */
export function prodClusterConfig(...services: string[]): string {
  return `version: 1
clusters:
  - name: prod
    services:
${services.map((name) => `      - name: ${name}\n`).join('')}`;
}
