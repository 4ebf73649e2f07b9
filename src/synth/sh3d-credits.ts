/** One catalogue model as its credits line needs it. */
export interface CreditedModel {
  name: string;
  creator: string;
  collection: string;
  license: string;
  key: string;
}

/** Whether a collection's licence requires attribution (everything but public domain / CC0). */
export function requiresAttribution(license: string): boolean {
  return !/public domain|cc-?0|cc0/i.test(license);
}

/**
 * The credits file (Markdown) for the catalogue models a corpus or a model used: every model
 * whose licence asks for attribution (CC-BY) with its creator, collection and licence, one line
 * each, sorted; then a count of the public-domain models used. Ships in a corpus folder and in any
 * model folder trained on it.
 */
export function renderCredits(models: readonly CreditedModel[]): string {
  const unique = [...new Map(models.map((m) => [m.key, m])).values()];
  const cc = unique.filter((m) => requiresAttribution(m.license)).sort((a, b) => a.collection.localeCompare(b.collection) || a.key.localeCompare(b.key));
  const free = unique.length - cc.length;
  const lines = [
    '# Credits: Sweet Home 3D furniture models',
    '',
    'Rendered from the furniture catalogues of Sweet Home 3D as packaged by Debian (`sweethome3d-furniture`,',
    'https://www.sweethome3d.com/freeModels.jsp). The models below are licensed under Creative Commons',
    'Attribution 3.0 (https://creativecommons.org/licenses/by/3.0/); they were rendered to images, not modified.',
    '',
    '| model | creator | collection | licence | catalogue path |',
    '|---|---|---|---|---|',
    ...cc.map((m) => `| ${cell(m.name)} | ${cell(m.creator)} | ${cell(m.collection)} | ${cell(m.license)} | \`${m.key.slice(m.collection.length + 1)}\` |`),
    '',
    `Also used: ${free} public-domain (CC0) model(s) of the Blend Swap CC-0 collection, which need no attribution.`,
    '',
  ];
  return lines.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim() || '—';
}
